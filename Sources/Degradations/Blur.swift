import Foundation
import TensorCore

/// Blur operators with zero boundary: `y` has the size of `x`, and
/// `y[i, j] = Σ_{a,b} k[a, b] · x[i − a + (k_h − 1)/2, j − b + (k_w − 1)/2]` with `x` zero
/// outside the image (a 'same' convolution of the zero-padded image).
///
/// Gaussian and uniform kernels are separable, so they are `SeparableOperator`s with an exact
/// SVD; motion kernels are not (`Convolution`).
public enum Blur {
    /// The normalised 1-D Gaussian `exp(−t²/2σ²)` on `size` taps centred at `(size − 1)/2`.
    public static func gaussianKernel(sigma: Double, size: Int) -> [Float] {
        let c = Double(size - 1) / 2
        let g = (0..<size).map { exp(-(Double($0) - c) * (Double($0) - c) / (2 * sigma * sigma)) }
        let s = g.reduce(0, +)
        return g.map { Float($0 / s) }
    }

    /// The default Gaussian kernel size for `sigma`: `2⌈3σ⌉ + 1`.
    public static func defaultSize(sigma: Double) -> Int { 2 * Int((3 * sigma).rounded(.up)) + 1 }

    /// Gaussian blur with standard deviation `sigma` (pixels) on a `size × size` kernel.
    /// - Throws: `OperatorError.invalidParameter` for σ ≤ 0 or a kernel larger than the image.
    public static func gaussian(shape: [Int], sigma: Double, size: Int? = nil) throws -> SeparableOperator {
        let (c, h, w) = try Validate.image(shape, for: "blur gaussian")
        guard sigma.isFinite, sigma > 0, sigma <= Double(Swift.max(h, w)) else {
            throw OperatorError.invalidParameter(parameter: "sigma", value: "\(sigma)",
                fits: "use a standard deviation in pixels above 0 and at most \(Swift.max(h, w)), for example 3")
        }
        let n = size ?? Swift.min(defaultSize(sigma: sigma), oddAtMost(Swift.min(h, w)))
        try checkSize(n, h: h, w: w)
        let k = gaussianKernel(sigma: sigma, size: n)
        return try SeparableOperator(name: "blur gaussian sigma=\(sigma) size=\(n)", channels: c,
                                     rows: .convolution(k, length: h), cols: .convolution(k, length: w), stableCutoff: 3e-2)
    }

    /// Uniform (box) blur on a `size × size` kernel of equal weights `1/size²`.
    public static func uniform(shape: [Int], size: Int) throws -> SeparableOperator {
        let (c, h, w) = try Validate.image(shape, for: "blur uniform")
        try checkSize(size, h: h, w: w)
        let k = [Float](repeating: 1 / Float(size), count: size)
        return try SeparableOperator(name: "blur uniform size=\(size)", channels: c,
                                     rows: .convolution(k, length: h), cols: .convolution(k, length: w), stableCutoff: 3e-2)
    }

    static func oddAtMost(_ n: Int) -> Int { n % 2 == 1 ? n : Swift.max(1, n - 1) }

    /// Checks `1 ≤ size ≤ min(H, W)`.
    static func checkSize(_ size: Int, h: Int, w: Int, parameter: String = "size") throws {
        guard size >= 1 else {
            throw OperatorError.invalidParameter(parameter: parameter, value: "\(size)", fits: "the kernel size must be at least 1, for example 9")
        }
        guard size <= Swift.min(h, w) else {
            throw OperatorError.invalidParameter(parameter: parameter, value: "\(size)",
                fits: "the kernel is larger than the \(w)x\(h) image; use at most \(Swift.min(h, w))")
        }
    }
}
