/// Two-dimensional discrete Fourier transforms of image planes through FFTW (plans cached).
///
/// Complex data is a tensor whose last axis has extent 2 (re, im): `[..., H, W, 2]`.
public enum FFT {
    /// The 2-D DFT of every `H × W` complex plane of `[..., H, W, 2]`.
    /// - Parameters:
    ///   - inverse: the backward transform (e^{+i…}).
    ///   - orthonormal: scale by 1/√(HW), so the transform is unitary (NumPy `norm="ortho"`).
    ///     Otherwise the forward transform is unscaled and the inverse divides by HW.
    public static func complex2D(_ x: Tensor, inverse: Bool = false, orthonormal: Bool = false) -> Tensor {
        precondition(x.rank >= 3 && x.shape[x.rank - 1] == 2, "complex2D needs [..., H, W, 2], got \(x.shape)")
        let h = x.shape[x.rank - 3], w = x.shape[x.rank - 2]
        let planes = x.count / (2 * h * w)
        var out = [Float](repeating: 0, count: x.count)
        let scale: Float = orthonormal ? 1 / Float(h * w).squareRoot() : (inverse ? 1 / Float(h * w) : 1)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedSendable(src.baseAddress!), d = UncheckedSendable(dst.baseAddress!)
                Parallel.forEach(planes) { p in
                    FFTWPlans.c2c(s.value + p * 2 * h * w, d.value + p * 2 * h * w, h: h, w: w, forward: !inverse)
                }
            }
        }
        var t = Tensor(shape: x.shape, scalars: out)
        if scale != 1 { t *= scale }
        return t
    }

    /// The unscaled 2-D DFT of every real `H × W` plane of `[..., H, W]`, as `[..., H, W/2+1, 2]`.
    public static func real2D(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2)
        let h = x.shape[x.rank - 2], w = x.shape[x.rank - 1], wc = w / 2 + 1
        let planes = x.count / (h * w)
        var out = [Float](repeating: 0, count: planes * h * wc * 2)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedSendable(src.baseAddress!), d = UncheckedSendable(dst.baseAddress!)
                Parallel.forEach(planes) { p in FFTWPlans.r2c(s.value + p * h * w, d.value + p * h * wc * 2, h: h, w: w) }
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [wc, 2], scalars: out)
    }

    /// The inverse of `real2D` (divides by HW): `[..., H, W/2+1, 2]` → `[..., H, width]`.
    public static func inverseReal2D(_ x: Tensor, width w: Int) -> Tensor {
        precondition(x.rank >= 3 && x.shape[x.rank - 1] == 2 && x.shape[x.rank - 2] == w / 2 + 1)
        let h = x.shape[x.rank - 3], wc = w / 2 + 1
        let planes = x.count / (h * wc * 2)
        var work = x.scalars
        var out = [Float](repeating: 0, count: planes * h * w)
        work.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedSendable(src.baseAddress!), d = UncheckedSendable(dst.baseAddress!)
                Parallel.forEach(planes) { p in FFTWPlans.c2r(s.value + p * h * wc * 2, d.value + p * h * w, h: h, w: w) }
            }
        }
        var t = Tensor(shape: Array(x.shape.dropLast(3)) + [h, w], scalars: out)
        t *= 1 / Float(h * w)
        return t
    }

    /// Circularly shifts every `H × W` plane of `[..., H, W]` (or `[..., H, W, 2]` when
    /// `complex`) by (⌊H/2⌋, ⌊W/2⌋) (NumPy `fftshift`), or back with `inverse` (`ifftshift`).
    public static func shifted(_ x: Tensor, complex: Bool, inverse: Bool = false) -> Tensor {
        let e = complex ? 2 : 1
        let r = x.rank - (complex ? 1 : 0)
        let h = x.shape[r - 2], w = x.shape[r - 1]
        let dh = inverse ? (h - h / 2) : h / 2, dw = inverse ? (w - w / 2) : w / 2
        let planes = x.count / (h * w * e)
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<planes {
                    let base = p * h * w * e
                    for i in 0..<h {
                        let oi = (i + dh) % h
                        for j in 0..<w {
                            let oj = (j + dw) % w
                            for c in 0..<e { dst[base + (oi * w + oj) * e + c] = src[base + (i * w + j) * e + c] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
