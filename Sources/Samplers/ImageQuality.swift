import TensorCore

/// PSNR and SSIM of model-space images (`[-1, 1]`, mapped to `[0, 1]` and clamped first).
///
/// PSNR = 10·log10(1/MSE); SSIM as Wang et al. 2004 with an 11-tap Gaussian window (σ = 1.5),
/// K1 = 0.01, K2 = 0.03, data range 1, valid positions only, mean over channels (`algorithms.md` §5).
enum ImageQuality {
    /// Mean PSNR over the items of `batch` `[n, C, H, W]` against `truth` `[C, H, W]`.
    static func meanPSNR(_ batch: Tensor, truth: Tensor) -> Double {
        let n = batch.shape[0]
        let t = toUnit(truth)
        var total = 0.0
        for i in 0..<n { total += psnr(toUnit(batch.item(i)), t) }
        return total / Double(n)
    }

    /// Mean SSIM over the items of `batch` against `truth`.
    static func meanSSIM(_ batch: Tensor, truth: Tensor) -> Double {
        let n = batch.shape[0]
        let t = toUnit(truth)
        var total = 0.0
        for i in 0..<n { total += ssim(toUnit(batch.item(i)), t) }
        return total / Double(n)
    }

    static func toUnit(_ x: Tensor) -> Tensor { x.map { Swift.min(Swift.max(($0 + 1) * 0.5, 0), 1) } }

    /// PSNR of two [0, 1] images.
    static func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        let mse = (a - b).squaredNorm() / Double(a.count)
        return mse > 0 ? -10 * _log10(mse) : .infinity
    }

    /// SSIM of two [0, 1] images `[C, H, W]` (NaN when smaller than the 11×11 window).
    static func ssim(_ a: Tensor, _ b: Tensor) -> Double {
        let (c, h, w) = a.imageGeometry
        let r = 5
        guard h > 2 * r, w > 2 * r else { return .nan }
        var g = (-r...r).map { _exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let gs = g.reduce(0, +); g = g.map { $0 / gs }
        let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
        let oh = h - 2 * r, ow = w - 2 * r
        var total = 0.0
        for ch in 0..<c {
            let off = ch * h * w
            // Five maps filtered separably (valid mode): x, y, x², y², xy.
            var rows = [Double](repeating: 0, count: 5 * h * ow)
            let plane = h * ow
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                rows.withUnsafeMutableBufferPointer { pr in
                    for i in 0..<h { for j in 0..<ow {
                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
                        let base = off + i * w + j
                        for k in 0...(2 * r) {
                            let x = Double(pa[base + k]), y = Double(pb[base + k]), gk = g[k]
                            s0 += gk * x; s1 += gk * y; s2 += gk * x * x; s3 += gk * y * y; s4 += gk * x * y
                        }
                        let o = i * ow + j
                        pr[o] = s0; pr[plane + o] = s1; pr[2 * plane + o] = s2; pr[3 * plane + o] = s3; pr[4 * plane + o] = s4
                    }}
                }
            }}
            var acc = 0.0
            rows.withUnsafeBufferPointer { pr in
                for i in 0..<oh { for j in 0..<ow {
                    var mx = 0.0, my = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
                    for k in 0...(2 * r) {
                        let o = (i + k) * ow + j, gk = g[k]
                        mx += gk * pr[o]; my += gk * pr[plane + o]; xx += gk * pr[2 * plane + o]
                        yy += gk * pr[3 * plane + o]; xy += gk * pr[4 * plane + o]
                    }
                    let vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my
                    acc += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
                }}
            }
            total += acc / Double(oh * ow)
        }
        return total / Double(c)
    }
}

#if canImport(Glibc)
import Glibc
func _log10(_ x: Double) -> Double { Glibc.log10(x) }
func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Foundation
func _log10(_ x: Double) -> Double { Foundation.log10(x) }
func _exp(_ x: Double) -> Double { Foundation.exp(x) }
#endif
