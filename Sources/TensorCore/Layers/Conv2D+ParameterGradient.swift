extension Conv2D {
    /// The gradients of ⟨dy, conv(x)⟩ with respect to the weight and the bias:
    /// dW = Σ_items dy · im2col(x)ᵀ (`[Cout, Cin, kh, kw]`), db = Σ_items,positions dy (`[Cout]`).
    ///
    /// Large images run in bands of output rows (bounded scratch, as the forward pass).
    /// - Precondition: `x` is `[N, Cin, H, W]` and `dy` the matching `[N, Cout, Ho, Wo]`.
    public func parameterGradients(_ x: Tensor, _ dy: Tensor) -> (weight: Tensor, bias: Tensor) {
        precondition(x.rank == 4 && x.shape[1] == inChannels, "Conv2D.parameterGradients input \(x.shape)")
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(dy.shape == [n, outChannels, oh, ow], "Conv2D.parameterGradients cotangent \(dy.shape), expected \([n, outChannels, oh, ow])")
        let cout = outChannels, kdim = inChannels * kernelHeight * kernelWidth, hw = oh * ow
        var dw = [Float](repeating: 0, count: cout * kdim)
        var db = [Float](repeating: 0, count: cout)
        dy.withUnsafeBufferPointer { gp in
            for i in 0..<n {
                for c in 0..<cout {
                    let row = gp.baseAddress! + (i * cout + c) * hw
                    var s: Float = 0
                    for p in 0..<hw { s += row[p] }
                    db[c] += s
                }
            }
        }
        dw.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                dy.withUnsafeBufferPointer { gp in
                    let po = o.baseAddress!, px = xp.baseAddress!, pg = gp.baseAddress!
                    if isPointwise {
                        for i in 0..<n {
                            BLAS.sgemm(transB: true, m: cout, n: kdim, k: hw, a: pg + i * cout * hw, lda: hw,
                                       b: px + i * kdim * hw, ldb: hw, beta: 1, c: po, ldc: kdim)
                        }
                        return
                    }
                    let geo = Im2ColGeometry(c: inChannels, h: h, w: w, kh: kernelHeight, kw: kernelWidth,
                                             stride: stride, pad: padding, oh: oh, ow: ow)
                    weightGradientTiled(geo, n: n, px: px, pg: pg, po: po)
                }
            }
        }
        return (Tensor(shape: weight.shape, scalars: dw), Tensor(shape: [cout], scalars: db))
    }
}

extension Conv2D {
    /// dW = Σ dy · im2col(x)ᵀ over per-core tiles of output rows (as the forward `.tiled`
    /// kernel): core c takes tiles c, c + T, c + 2T, … into its own partial sum, and the partials
    /// are added in core order, so the result does not depend on timing.
    private func weightGradientTiled(_ geo: Im2ColGeometry, n: Int, px: UnsafePointer<Float>, pg: UnsafePointer<Float>,
                                     po: UnsafeMutablePointer<Float>) {
        let kdim = geo.kdim, hw = geo.oh * geo.ow, cout = outChannels
        let tiling = Im2ColGeometry.Tiling(geo, items: n, budget: Self.tileBudget)
        let workers = Swift.max(1, Swift.min(Parallel.threads, tiling.jobs))
        var partials = [Float](repeating: 0, count: workers * cout * kdim)
        partials.withUnsafeMutableBufferPointer { pp in
            let sp = UncheckedSendable(pp.baseAddress!), sx = UncheckedSendable(px), sg = UncheckedSendable(pg)
            Parallel.forEach(workers) { core in
                let col = UnsafeMutablePointer<Float>.allocate(capacity: tiling.columnFloats)
                defer { col.deallocate() }
                for job in Swift.stride(from: core, to: tiling.jobs, by: workers) {
                    let (i, rows, cols) = tiling.tile(job)
                    geo.fillColumnsSerial(sx.value + i * geo.c * geo.h * geo.w, rows: rows, into: col, ld: cols)
                    BLAS.sgemmSerial(transB: true, m: cout, n: kdim, k: cols, a: sg.value + i * cout * hw + rows.lowerBound * geo.ow,
                                     lda: hw, b: col, ldb: cols, beta: 1, c: sp.value + core * cout * kdim, ldc: kdim)
                }
            }
            for core in 0..<workers {
                let part = pp.baseAddress! + core * cout * kdim
                for j in 0..<(cout * kdim) { po[j] += part[j] }
            }
        }
    }
}
