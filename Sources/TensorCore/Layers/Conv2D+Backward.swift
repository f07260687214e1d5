extension Conv2D {
    /// The vector–Jacobian product with respect to the input: dx = Wᵀ ⋆ dy (the transposed
    /// convolution, col2im of Wᵀ·dy), for an input of `height × width`.
    ///
    /// The bias does not enter. Exact adjoint of the linear part of `callAsFunction`. A square
    /// kernel with stride 1 and padding p ≤ k − 1 runs as the forward convolution of dy with the
    /// flipped, transposed kernel and padding k − 1 − p (`transposed`), so it gets the forward
    /// pass's per-core tiles; other kernels go through col2im.
    /// - Precondition: `dy` is `[N, Cout, Ho, Wo]` with Ho × Wo = `outputSize(height:width:)`.
    public func inputGradient(_ dy: Tensor, height: Int, width: Int) -> Tensor {
        let (oh, ow) = outputSize(height: height, width: width)
        precondition(dy.rank == 4 && dy.shape[1] == outChannels && dy.shape[2] == oh && dy.shape[3] == ow,
                     "Conv2D.inputGradient expects [N, \(outChannels), \(oh), \(ow)], got \(dy.shape)")
        if let t = transposed { return t(dy) }
        let n = dy.shape[0], cin = inChannels, cout = outChannels, kdim = cin * kernelHeight * kernelWidth, hw = oh * ow
        var dx = [Float](repeating: 0, count: n * cin * height * width)
        dx.withUnsafeMutableBufferPointer { o in
            weight.withUnsafeBufferPointer { wp in
                dy.withUnsafeBufferPointer { gp in
                    let pw = wp.baseAddress!, pg = gp.baseAddress!, po = o.baseAddress!
                    if isPointwise {
                        for i in 0..<n {
                            BLAS.sgemm(transA: true, m: cin, n: hw, k: cout, a: pw, lda: cin, b: pg + i * cout * hw, ldb: hw,
                                       beta: 0, c: po + i * cin * hw, ldc: hw)
                        }
                        return
                    }
                    let geo = Im2ColGeometry(c: cin, h: height, w: width, kh: kernelHeight, kw: kernelWidth,
                                             stride: stride, pad: padding, oh: oh, ow: ow)
                    geo.forEachBand(items: n, budget: Self.columnBudget) { i, rows, cols, cp in
                        BLAS.sgemm(transA: true, m: kdim, n: cols, k: cout, a: pw, lda: kdim,
                                   b: pg + i * cout * hw + rows.lowerBound * ow, ldb: hw, beta: 0, c: cp, ldc: cols)
                        geo.accumulateColumns(cp, ld: cols, rows: rows, into: po + i * cin * height * width)
                    }
                }
            }
        }
        return Tensor(shape: [n, cin, height, width], scalars: dx)
    }
}

extension Conv2D {
    /// The convolution whose forward pass is this one's input gradient, for a square kernel with
    /// stride 1 and padding p ≤ k − 1 (nil otherwise, and for 1×1 kernels without padding):
    /// W'[ci, co, ky, kx] = W[co, ci, k − 1 − ky, k − 1 − kx], padding k − 1 − p, no bias.
    var transposed: Conv2D? {
        let k = kernelHeight
        guard stride == 1, kernelWidth == k, padding <= k - 1, !isPointwise else { return nil }
        let cin = inChannels, cout = outChannels, kk = k * k
        let flipped = weight.withUnsafeBufferPointer { w in
            [Float](unsafeUninitializedCapacity: w.count) { f, initialized in
                for co in 0..<cout {
                    for ci in 0..<cin {
                        let src = w.baseAddress! + (co * cin + ci) * kk, dst = f.baseAddress! + (ci * cout + co) * kk
                        for j in 0..<kk { (dst + j).initialize(to: src[kk - 1 - j]) }
                    }
                }
                initialized = w.count
            }
        }
        return Conv2D(weight: Tensor(shape: [cin, cout, k, k], scalars: flipped), bias: nil, stride: 1, padding: k - 1 - padding)
    }
}

extension Im2ColGeometry {
    /// col2im: adds the im2col rows of `rows` back onto the image `[C, H, W]` (the adjoint of
    /// `fillColumns`). Channels run in parallel; each writes only its own plane.
    func accumulateColumns(_ col: UnsafePointer<Float>, ld: Int, rows: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        let s = UncheckedSendable(col), d = UncheckedSendable(dst)
        let work = kdim * rows.count * ow
        Parallel.chunks(c, minChunk: Swift.max(1, c * 16_384 / Swift.max(work, 1))) { range in
            for ch in range {
                let plane = d.value + ch * self.h * self.w
                for ky in 0..<self.kh {
                    for kx in 0..<self.kw {
                        var src = s.value + ((ch * self.kh + ky) * self.kw + kx) * ld
                        for oy in rows {
                            let iy = oy &* self.stride &- self.pad &+ ky
                            if iy >= 0 && iy < self.h {
                                let line = plane + iy * self.w
                                var ox = 0
                                while ox < self.ow {
                                    let ix = ox &* self.stride &- self.pad &+ kx
                                    if ix >= 0 && ix < self.w { line[ix] += src[ox] }
                                    ox &+= 1
                                }
                            }
                            src += self.ow
                        }
                    }
                }
            }
        }
    }
}
