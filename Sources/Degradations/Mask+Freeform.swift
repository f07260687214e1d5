import Foundation
import TensorCore

extension Mask {
    /// The coverage window of free-form masks (fraction of hidden pixels), as in the Palette/ΠGDM
    /// free-form masks.
    public static let freeformCoverage: ClosedRange<Double> = 0.2...0.3

    /// Hides seeded free-form brush strokes covering 20–30 % of the image (all channels of a
    /// pixel together).
    ///
    /// Strokes are polylines of 4–12 vertices whose direction turns by at most 60° per vertex,
    /// segment lengths `s/16…s/4` and brush widths `s/40…s/12` (`s` the smaller side). A stroke
    /// that would push the coverage above 30 % is discarded; after many discards single pixels
    /// are added, so the window is always met.
    /// - Throws: `OperatorError.shapeMismatch` for images of fewer than 16 pixels.
    public static func freeform(shape: [Int], using rng: inout some RandomNumberGenerator) throws -> Mask {
        let (_, h, w) = try Validate.image(shape, for: "mask freeform")
        guard h * w >= 16 else {
            throw OperatorError.shapeMismatch(what: "the image", got: shape, expected: "at least 16 pixels for a free-form mask")
        }
        var hidden = [Bool](repeating: false, count: h * w)
        var count = 0
        let total = Double(h * w)
        let side = Float(Swift.min(h, w))
        var rejected = 0
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * Random.uniform(using: &rng) }
        while Double(count) / total < freeformCoverage.lowerBound {
            if rejected >= 200 {
                let i = Random.index(h * w, using: &rng)
                if !hidden[i] { hidden[i] = true; count += 1 }
                continue
            }
            var stroke = hidden, added = 0
            let shrink: Float = rejected >= 50 ? 0.25 : 1
            let radius = Swift.max(0.5, uniform(side / 40, side / 12) * shrink / 2)
            var y = uniform(0, Float(h)), x = uniform(0, Float(w))
            var angle = uniform(0, 2 * .pi)
            let vertices = 4 + Random.index(9, using: &rng)
            for _ in 0..<vertices {
                angle += uniform(-.pi / 3, .pi / 3)
                let length = uniform(side / 16, side / 4) * shrink
                let ny = Swift.min(Swift.max(y + length * sin(angle), 0), Float(h - 1))
                let nx = Swift.min(Swift.max(x + length * cos(angle), 0), Float(w - 1))
                let steps = Swift.max(1, Int((length * 2).rounded(.up)))
                for s in 0...steps {
                    let t = Float(s) / Float(steps)
                    added += paintDisk(&stroke, h: h, w: w, cy: y + (ny - y) * t, cx: x + (nx - x) * t, radius: radius)
                }
                (y, x) = (ny, nx)
            }
            if Double(count + added) / total > freeformCoverage.upperBound {
                rejected += 1
            } else {
                hidden = stroke
                count += added
            }
        }
        let m = Tensor(shape: [h, w], scalars: hidden.map { $0 ? 0 : 1 })
        return try Mask(shape: shape, observed: m, name: "mask freeform")
    }

    /// Sets the pixels within `radius` of (cy, cx); returns how many were newly set.
    private static func paintDisk(_ m: inout [Bool], h: Int, w: Int, cy: Float, cx: Float, radius: Float) -> Int {
        var added = 0
        let r2 = radius * radius
        let i0 = Swift.max(0, Int((cy - radius).rounded(.down))), i1 = Swift.min(h - 1, Int((cy + radius).rounded(.up)))
        let j0 = Swift.max(0, Int((cx - radius).rounded(.down))), j1 = Swift.min(w - 1, Int((cx + radius).rounded(.up)))
        if i0 > i1 || j0 > j1 { return 0 }
        for i in i0...i1 {
            for j in j0...j1 {
                let dy = Float(i) + 0.5 - cy, dx = Float(j) + 0.5 - cx
                if dy * dy + dx * dx <= r2 && !m[i * w + j] { m[i * w + j] = true; added += 1 }
            }
        }
        return added
    }
}
