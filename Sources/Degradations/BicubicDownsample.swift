import TensorCore

/// Super-resolution by antialiased bicubic downsampling (Keys' cubic, a = −0.5), per axis as in
/// PyTorch's `interpolate(mode="bicubic", antialias=True)` and Matlab's `imresize`.
///
/// Output pixel `i` (centre `(i + ½)·f` in input coordinates) averages input pixels `j` with
/// weights `k((j + ½ − centre)/f)`, `k` the Keys kernel stretched by `f` (support `2f` on each
/// side), truncated at the border and renormalised to sum 1. The operator is linear and
/// separable, so it has an exact adjoint and an exact SVD (`SeparableOperator`), and its
/// pseudo-inverse is the exact Moore–Penrose inverse from that SVD.
public enum BicubicDownsample {
    /// Keys' cubic convolution kernel with parameter `a`.
    public static func keys(_ t: Double, a: Double = -0.5) -> Double {
        let x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// The 1-D antialiased resampling map from `n` to `n / factor` samples.
    public static func axis(_ n: Int, factor: Int) -> AxisMap {
        let f = Double(factor), support = 2 * f
        return AxisMap(inCount: n, rows: (0..<(n / factor)).map { i in
            let centre = (Double(i) + 0.5) * f
            let lo = Swift.max(Int(centre - support + 0.5), 0), hi = Swift.min(Int(centre + support + 0.5), n)
            var w = (lo..<hi).map { keys((Double($0) + 0.5 - centre) / f) }
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
            return (lo, w.map(Float.init))
        })
    }

    /// Bicubic downsampling by `factor` for images of `shape` `[C, H, W]`.
    /// - Throws: `OperatorError.invalidParameter` when `factor` does not divide both sides.
    public static func make(shape: [Int], factor: Int) throws -> SeparableOperator {
        let (c, h, w) = try Validate.image(shape, for: "downsample")
        guard factor >= 1, h % factor == 0, w % factor == 0 else {
            throw OperatorError.invalidParameter(parameter: "factor", value: "\(factor)",
                                                 fits: BlockAverage.validFactorsText(h: h, w: w))
        }
        return try SeparableOperator(name: "downsample \(factor) method=bicubic", channels: c,
                                     rows: axis(h, factor: factor), cols: axis(w, factor: factor), cutoff: 1e-5)
    }
}
