import Foundation
import TensorCore

/// Splits an image's pixels into smooth and textured halves by local gradient energy, to show
/// where a method wins or loses: e(p) = the mean over a (2r+1)² window around p of
/// Σ_channels |∇x|² (forward differences), pixels above the median energy are "textured".
public struct RegionSplit: Sendable {
    /// The window radius r (7×7 windows).
    public static let radius = 3

    /// Per pixel (H·W), true where the truth is textured.
    public let textured: [Bool]
    public let channels: Int, height: Int, width: Int

    /// The split of `truth` `[C, H, W]`.
    public init(truth: Tensor) {
        let (c, h, w) = truth.imageGeometry
        channels = c; height = h; width = w
        var energy = [Double](repeating: 0, count: h * w)
        truth.withUnsafeBufferPointer { p in
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                let k = (ch * h + i) * w + j
                let dx = j + 1 < w ? Double(p[k + 1] - p[k]) : 0, dy = i + 1 < h ? Double(p[k + w] - p[k]) : 0
                energy[i * w + j] += dx * dx + dy * dy
            }}}
        }
        let local = Self.boxMean(energy, h, w, radius: Self.radius)
        let median = local.sorted()[local.count / 2]
        textured = local.map { $0 > median }
    }

    /// PSNR in dB (peak 1) of `estimate` against `truth` over the smooth and the textured pixels
    /// (all channels); both images on [0, 1].
    public func psnr(_ estimate: Tensor, _ truth: Tensor) -> (smooth: Double, textured: Double) {
        precondition(estimate.shape == truth.shape && truth.count == channels * height * width, "images must match the split")
        var se = [0.0, 0.0], count = [0, 0]
        let plane = height * width
        estimate.withUnsafeBufferPointer { a in truth.withUnsafeBufferPointer { b in
            for k in 0..<a.count {
                let r = textured[k % plane] ? 1 : 0, d = Double(a[k] - b[k])
                se[r] += d * d; count[r] += 1
            }
        }}
        func db(_ r: Int) -> Double { count[r] == 0 ? .nan : se[r] == 0 ? .infinity : 10 * log10(Double(count[r]) / se[r]) }
        return (db(0), db(1))
    }

    /// The mean over (2r+1)² windows, clipped at the borders.
    static func boxMean(_ v: [Double], _ h: Int, _ w: Int, radius r: Int) -> [Double] {
        var out = [Double](repeating: 0, count: h * w)
        for i in 0..<h { for j in 0..<w {
            var s = 0.0, n = 0
            for a in Swift.max(0, i - r)...Swift.min(h - 1, i + r) { for b in Swift.max(0, j - r)...Swift.min(w - 1, j + r) { s += v[a * w + b]; n += 1 } }
            out[i * w + j] = s / Double(n)
        }}
        return out
    }
}

extension EvaluationSession {
    /// PSNR (dB) over the smooth and the textured half of x's pixels (`RegionSplit`).
    public func regionPSNR(_ estimate: Tensor) throws -> (smooth: Double, textured: Double) {
        let (a, b) = try onUnitRange(estimate)
        return RegionSplit(truth: b).psnr(a, b)
    }
}
