/// Image quality metrics on images in [0, 1] (data range 1).
public enum Metrics {
    /// The mean squared error over all elements, in double precision.
    /// - Throws: `TensorError.invalid` when the shapes differ or the images are empty.
    public static func mse(_ a: Tensor, _ b: Tensor) throws -> Double {
        try checkSameShape(a, b, metric: "MSE")
        let d = a - b
        return d.squaredNorm() / Double(d.count)
    }

    /// Peak signal-to-noise ratio in dB with data range 1: `10 log10(1 / MSE)`, the MSE taken over
    /// every pixel and channel. Identical images give `+∞`.
    /// - Throws: `TensorError.invalid` when the shapes differ or the images are empty.
    public static func psnr(_ a: Tensor, _ b: Tensor) throws -> Double {
        let m = try mse(a, b)
        return m == 0 ? .infinity : 10 * log10Double(1 / m)
    }

    /// The side of the SSIM window (11 taps, radius 5).
    public static let ssimWindow = 11

    /// Structural similarity (Wang et al. 2004) as scikit-image computes it with
    /// `gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1`.
    ///
    /// Per `H × W` plane, with the normalised separable Gaussian window G (σ = 1.5, taps −5…5):
    /// μₓ = G∗x, σₓ² = G∗x² − μₓ², σₓᵧ = G∗(xy) − μₓμᵧ (population moments), and
    /// SSIM = (2μₓμᵧ + C₁)(2σₓᵧ + C₂) / ((μₓ² + μᵧ² + C₁)(σₓ² + σᵧ² + C₂)), C₁ = 0.01², C₂ = 0.03²,
    /// averaged over the positions whose window lies inside the image ("valid" filtering, which
    /// equals scikit-image's reflect-filter-then-crop), then over planes (channels, items).
    /// - Throws: `TensorError.invalid` when the shapes differ or a side is below 11 pixels.
    public static func ssim(_ a: Tensor, _ b: Tensor) throws -> Double {
        try checkSameShape(a, b, metric: "SSIM")
        let h = a.shape[a.rank - 2], w = a.shape[a.rank - 1]
        guard h >= ssimWindow, w >= ssimWindow else {
            throw TensorError.invalid("SSIM needs images of at least \(ssimWindow)×\(ssimWindow) pixels, got \(w)×\(h)")
        }
        let planes = a.count / (h * w)
        var perPlane = [Double](repeating: 0, count: planes)
        let g = gaussianWindow()
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                perPlane.withUnsafeMutableBufferPointer { res in
                    let sa = UncheckedSendable(pa.baseAddress!), sb = UncheckedSendable(pb.baseAddress!)
                    let r = UncheckedSendable(res.baseAddress!)
                    Parallel.forEach(planes) { p in
                        r.value[p] = ssimPlane(sa.value + p * h * w, sb.value + p * h * w, h: h, w: w, g: g)
                    }
                }
            }
        }
        return perPlane.reduce(0, +) / Double(planes)
    }

    /// The normalised 11-tap Gaussian, σ = 1.5.
    static func gaussianWindow() -> [Double] {
        let sigma = 1.5, radius = ssimWindow / 2
        let raw = (-radius...radius).map { i in expDouble(-Double(i * i) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    /// The mean SSIM of one plane: separable valid filtering of x, y, x², y², xy, in double precision.
    static func ssimPlane(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, h: Int, w: Int, g: [Double]) -> Double {
        let n = g.count, ow = w - n + 1, oh = h - n + 1
        // Horizontal pass: five moment images of h × ow.
        var hx = [Double](repeating: 0, count: h * ow), hy = hx, hxx = hx, hyy = hx, hxy = hx
        for r in 0..<h {
            let xr = x + r * w, yr = y + r * w
            for j in 0..<ow {
                var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
                for k in 0..<n {
                    let gk = g[k], xv = Double(xr[j &+ k]), yv = Double(yr[j &+ k])
                    sx += gk * xv; sy += gk * yv
                    sxx += gk * xv * xv; syy += gk * yv * yv; sxy += gk * xv * yv
                }
                let o = r &* ow &+ j
                hx[o] = sx; hy[o] = sy; hxx[o] = sxx; hyy[o] = syy; hxy[o] = sxy
            }
        }
        // Vertical pass, accumulated row by row into the SSIM map's sum.
        let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
        var mx = [Double](repeating: 0, count: ow), my = mx, mxx = mx, myy = mx, mxy = mx
        var total = 0.0
        for i in 0..<oh {
            for j in 0..<ow { mx[j] = 0; my[j] = 0; mxx[j] = 0; myy[j] = 0; mxy[j] = 0 }
            for k in 0..<n {
                let gk = g[k], base = (i + k) * ow
                for j in 0..<ow {
                    mx[j] += gk * hx[base &+ j]; my[j] += gk * hy[base &+ j]
                    mxx[j] += gk * hxx[base &+ j]; myy[j] += gk * hyy[base &+ j]; mxy[j] += gk * hxy[base &+ j]
                }
            }
            for j in 0..<ow {
                let ux = mx[j], uy = my[j]
                let vx = mxx[j] - ux * ux, vy = myy[j] - uy * uy, vxy = mxy[j] - ux * uy
                total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
            }
        }
        return total / Double(oh * ow)
    }

    static func checkSameShape(_ a: Tensor, _ b: Tensor, metric: String) throws {
        guard a.shape == b.shape else {
            throw TensorError.invalid("\(metric) needs two images of the same shape, got \(a.shape) and \(b.shape)")
        }
        guard a.rank >= 2, a.count > 0 else {
            throw TensorError.invalid("\(metric) needs non-empty images [C, H, W], got shape \(a.shape)")
        }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func log10Double(_ x: Double) -> Double { Glibc.log10(x) }
@inline(__always) func expDouble(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Foundation
@inline(__always) func log10Double(_ x: Double) -> Double { Foundation.log10(x) }
@inline(__always) func expDouble(_ x: Double) -> Double { Foundation.exp(x) }
#endif
