import TensorCore

/// PSNR and SSIM of model-space images (`[-1, 1]`, mapped to `[0, 1]` and clamped first), via
/// `TensorCore.Metrics` (`Docs/algorithms.md` §5).
enum ImageQuality {
    /// Mean PSNR over the items of `batch` `[n, C, H, W]` against `truth` `[C, H, W]` (NaN on error).
    static func meanPSNR(_ batch: Tensor, truth: Tensor) -> Double {
        let t = toUnit(truth)
        return mean(batch) { (try? Metrics.psnr(toUnit($0), t)) ?? .nan }
    }

    /// Mean SSIM over the items of `batch` against `truth` (NaN for images under 11×11).
    static func meanSSIM(_ batch: Tensor, truth: Tensor) -> Double {
        let t = toUnit(truth)
        return mean(batch) { (try? Metrics.ssim(toUnit($0), t)) ?? .nan }
    }

    static func mean(_ batch: Tensor, _ f: (Tensor) -> Double) -> Double {
        let n = batch.shape[0]
        return (0..<n).reduce(0.0) { $0 + f(batch.item($1)) } / Double(n)
    }

    /// Model space [-1, 1] → [0, 1], clamped.
    static func toUnit(_ x: Tensor) -> Tensor { x.map { Swift.min(Swift.max(($0 + 1) * 0.5, 0), 1) } }
}
