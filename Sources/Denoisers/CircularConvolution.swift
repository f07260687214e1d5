import TensorCore

/// Multi-channel 2-D cross-correlation with circular (periodic) boundary, as in scico's DnCNN
/// (`flax.linen.Conv(padding="CIRCULAR")`), computed as im2col + `sgemm`.
///
/// Kernels are stored `[kh, kw, Cin, Cout]` (flax layout), which is exactly the `[kh·kw·Cin, Cout]`
/// matrix the im2col product needs.
struct CircularConvolution: Sendable {
    /// Weights `[k, k, Cin, Cout]`.
    let kernel: Tensor
    var size: Int { kernel.shape[0] }
    var inChannels: Int { kernel.shape[2] }
    var outChannels: Int { kernel.shape[3] }

    init(kernel: Tensor) {
        precondition(kernel.rank == 4 && kernel.shape[0] == kernel.shape[1] && kernel.shape[0] % 2 == 1,
                     "kernel must be [k, k, Cin, Cout] with odd k, got \(kernel.shape)")
        self.kernel = kernel
    }

    /// The adjoint convolution: circular correlation with the flipped kernel, in/out swapped.
    /// `⟨conv(x), y⟩ = ⟨x, adjoint.conv(y)⟩`.
    var adjoint: CircularConvolution {
        let k = size, ci = inChannels, co = outChannels
        var w = [Float](repeating: 0, count: kernel.count)
        kernel.withUnsafeBufferPointer { src in
            for dy in 0..<k { for dx in 0..<k { for c in 0..<ci { for o in 0..<co {
                w[(((k - 1 - dy) * k + (k - 1 - dx)) * co + o) * ci + c] = src[((dy * k + dx) * ci + c) * co + o]
            } } } }
        }
        return CircularConvolution(kernel: Tensor(shape: [k, k, co, ci], scalars: w))
    }

    /// Applies the convolution to `[Cin, H, W]`, returning `[Cout, H, W]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[0] == inChannels, "input \(x.shape) for kernel \(kernel.shape)")
        let h = x.shape[1], w = x.shape[2], hw = h * w, k = size, r = k / 2, ci = inChannels
        let rows = k * k * ci
        var cols = [Float](repeating: 0, count: rows * hw)
        x.withUnsafeBufferPointer { src in
            cols.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedSendable(src.baseAddress!), d = UncheckedSendable(dst.baseAddress!)
                Parallel.forEach(k * k) { tap in
                    let dy = tap / k - r, dx = tap % k - r
                    for c in 0..<ci {
                        let plane = s.value + c * hw
                        let out = d.value + ((tap * ci) + c) * hw
                        for i in 0..<h {
                            var si = i &+ dy
                            if si < 0 { si &+= h } else if si >= h { si &-= h }
                            let srow = plane + si * w, orow = out + i * w
                            // Columns j + dx, wrapped: split into at most three contiguous runs.
                            for j in 0..<w {
                                var sj = j &+ dx
                                if sj < 0 { sj &+= w } else if sj >= w { sj &-= w }
                                orow[j] = srow[sj]
                            }
                        }
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: outChannels * hw)
        kernel.withUnsafeBufferPointer { kw in
            cols.withUnsafeBufferPointer { pc in
                out.withUnsafeMutableBufferPointer { po in
                    BLAS.sgemm(transA: true, m: outChannels, n: hw, k: rows, a: kw.baseAddress!, lda: outChannels,
                               b: pc.baseAddress!, ldb: hw, c: po.baseAddress!, ldc: hw)
                }
            }
        }
        return Tensor(shape: [outChannels, h, w], scalars: out)
    }

    /// Multiply–adds of one call on an `h × w` input.
    func flops(height h: Int, width w: Int) -> Double {
        2 * Double(size * size * inChannels * outChannels) * Double(h * w)
    }
}
