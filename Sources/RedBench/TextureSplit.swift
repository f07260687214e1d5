import Foundation
import TensorCore

/// Splits an image's pixels into a textured and a smooth half by the local gradient energy of
/// the ground truth, to measure where a restoration gains or loses.
///
/// Energy at pixel p: the sum over channels of the squared forward differences (horizontal and
/// vertical, zero at the last row/column), box-summed over the (2r+1)² window around p (clipped at
/// the border). Pixels above the median energy are "textured", the rest "smooth" (ties go to
/// smooth), so each half holds about half the pixels.
struct TextureSplit {
    /// For each of the H·W pixels: true when textured.
    let textured: [Bool]
    let height: Int, width: Int

    /// The split of `truth` (`[C, H, W]`, any range) with window radius `radius`.
    init(_ truth: Tensor, radius: Int = 2) {
        let c = truth.shape[0], h = truth.shape[1], w = truth.shape[2]
        var g = [Double](repeating: 0, count: h * w)
        truth.scalars.withUnsafeBufferPointer { v in
            for ch in 0..<c {
                let base = ch * h * w
                for y in 0..<h {
                    for x in 0..<w {
                        let here = Double(v[base + y * w + x])
                        let dx = x + 1 < w ? Double(v[base + y * w + x + 1]) - here : 0
                        let dy = y + 1 < h ? Double(v[base + (y + 1) * w + x]) - here : 0
                        g[y * w + x] += dx * dx + dy * dy
                    }
                }
            }
        }
        var energy = [Double](repeating: 0, count: h * w)
        for y in 0..<h {
            for x in 0..<w {
                var s = 0.0
                for yy in max(0, y - radius)...min(h - 1, y + radius) {
                    for xx in max(0, x - radius)...min(w - 1, x + radius) { s += g[yy * w + xx] }
                }
                energy[y * w + x] = s
            }
        }
        let median = energy.sorted()[(h * w) / 2]
        textured = energy.map { $0 > median }
        height = h; width = w
    }

    /// PSNR (peak 1) of `estimate` against `truth` (both `[C, H, W]` in [0, 1]) over all pixels,
    /// the textured half and the smooth half.
    func psnr(_ estimate: Tensor, _ truth: Tensor) -> [Double] {
        precondition(estimate.shape == truth.shape && truth.shape[1] == height && truth.shape[2] == width,
                     "TextureSplit.psnr: shapes \(estimate.shape), \(truth.shape) do not match the split \(height)×\(width)")
        var sums = [0.0, 0.0, 0.0], counts = [0.0, 0.0, 0.0]
        let plane = height * width
        for i in 0..<truth.count {
            let d = Double(estimate.scalars[i] - truth.scalars[i]), e = d * d
            let k = textured[i % plane] ? 1 : 2
            sums[0] += e; counts[0] += 1
            sums[k] += e; counts[k] += 1
        }
        return (0..<3).map { counts[$0] > 0 ? 10 * log10(counts[$0] / max(sums[$0], 1e-20)) : .nan }
    }
}
