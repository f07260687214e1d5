import Foundation
import TensorCore

/// The FFT path of `Convolution`: the same zero-boundary 'same' convolution as the direct path,
/// through real 2-D DFTs (FFTW, plans cached in `TensorCore.FFT`).
///
/// The kernel is placed on a `P × Q` grid with its centre `((k_h − 1)/2, (k_w − 1)/2)` at the
/// origin (wrapped), the image at the top-left with zeros after it. The circular convolution,
/// cropped to the top-left `H × W`, is then the linear one exactly when
/// `P ≥ H + ⌊k_h/2⌋` and `Q ≥ W + ⌊k_w/2⌋`: no tap reaches a wrapped image pixel. The adjoint
/// multiplies by the conjugate spectrum (circular correlation) on the same grid, which is
/// exact for the same sizes. P and Q are the next 7-smooth numbers (FFTW's fast sizes).
struct FFTPlan: Sendable {
    /// The transform size `P × Q`.
    let p: Int, q: Int
    /// The DFT of the placed kernel, `[P, Q/2 + 1, 2]`.
    let spectrum: Tensor

    /// The spectrum of `kernel` `[k_h, k_w]` for `h × w` images.
    init(kernel: Tensor, h: Int, w: Int) {
        let kh = kernel.shape[0], kw = kernel.shape[1]
        let (p, q) = FFTPlan.size(h: h, w: w, kh: kh, kw: kw)
        let ch = (kh - 1) / 2, cw = (kw - 1) / 2
        var placed = [Float](repeating: 0, count: p * q)
        for a in 0..<kh { for b in 0..<kw {
            placed[((a - ch + p) % p) * q + (b - cw + q) % q] = kernel.scalars[a * kw + b]
        } }
        self.p = p
        self.q = q
        self.spectrum = FFT.real2D(Tensor(shape: [p, q], scalars: placed))
    }

    /// The transform size for `h × w` images and `kh × kw` kernels.
    static func size(h: Int, w: Int, kh: Int, kw: Int) -> (p: Int, q: Int) {
        (smooth(atLeast: h + kh / 2), smooth(atLeast: w + kw / 2))
    }

    /// The smallest `n' ≥ n` whose prime factors are all 2, 3, 5 or 7.
    static func smooth(atLeast n: Int) -> Int {
        var m = Swift.max(n, 1)
        while true {
            var r = m
            for f in [2, 3, 5, 7] { while r % f == 0 { r /= f } }
            if r == 1 { return m }
            m += 1
        }
    }

    /// Whether the FFT path is expected to be faster than `taps` direct row axpys:
    /// `taps·H·W > 12·P·Q·log₂(P·Q)` (per channel). The factor 12 weighs the two real transforms,
    /// the spectrum product, padding, scaling and cropping against one vectorised multiply-add
    /// per tap and pixel; it puts the switch near dense 15×15 kernels at 256×256 and 16×16 ones at
    /// 1024×1024, close to the crossovers `red-bench operators` measures (2 cores).
    static func isCheaper(taps: Int, h: Int, w: Int, kh: Int, kw: Int) -> Bool {
        let (p, q) = size(h: h, w: w, kh: kh, kw: kw)
        let pq = Double(p * q)
        return Double(taps) * Double(h * w) > 12 * pq * log2(pq)
    }

    /// `A x` (or `Aᵀ y` with `adjoint`) for every channel of `x` `[C, H, W]`.
    func convolve(_ x: Tensor, shape: [Int], adjoint: Bool) -> Tensor {
        let c = shape[0], h = shape[1], w = shape[2]
        let padded = x.padded(top: 0, bottom: p - h, left: 0, right: q - w)
        var spec = FFT.real2D(padded)                 // [C, P, Q/2 + 1, 2]
        let plane = p * (q / 2 + 1)
        let sign: Float = adjoint ? -1 : 1            // the adjoint multiplies by conj(K̂)
        spectrum.withUnsafeBufferPointer { kp in
            spec.withUnsafeMutableBufferPointer { sp in
                let k = UncheckedSendable(kp.baseAddress!), s = UncheckedSendable(sp.baseAddress!)
                Parallel.chunks(plane, minChunk: Swift.max(1, Parallel.grain / c)) { range in
                    for e in range {
                        let kr = k.value[e &* 2], ki = sign * k.value[e &* 2 &+ 1]
                        for ch in 0..<c {
                            let se = (ch &* plane &+ e) &* 2
                            let xr = s.value[se], xi = s.value[se &+ 1]
                            s.value[se] = xr * kr - xi * ki
                            s.value[se &+ 1] = xr * ki + xi * kr
                        }
                    }
                }
            }
        }
        return FFT.inverseReal2D(spec, width: q).cropped(top: 0, left: 0, height: h, width: w)
    }
}
