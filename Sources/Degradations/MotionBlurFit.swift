import Foundation
import TensorCore

/// Blind estimation of a linear motion blur (length and angle of `MotionBlur.lineKernel`) from
/// the blurred image alone.
///
/// Method: maximum marginal likelihood of the kernel under a Gaussian image prior, evaluated in
/// the Fourier domain (the MAP-k principle of Levin, Weiss, Durand & Freeman, "Understanding
/// and evaluating blind deconvolution algorithms", CVPR 2009, and "Efficient marginal likelihood
/// optimization in blind deconvolution", CVPR 2011). With a Gaussian prior every DFT coefficient
/// of y is independent Gaussian with variance `a|K(ω)|²/|ω|² + σ²`, so one candidate kernel
/// costs one FFT of the kernel and one pass over the image's periodogram:
///
/// 1. Luminance (channel mean); a border of half the largest kernel is cut off (it holds the
///    zero-boundary fade of a simulated blur), and the rest is split into tiles of at most
///    256² with a raised-cosine edge taper, whose periodograms are averaged.
/// 2. The noise level σ is given or estimated (`NoiseEstimator`).
/// 3. Every length L in `lengths` is scored at angles about 1/L rad apart (at most 6°; the
///    spacing that keeps the kernel's spectral zeros aligned); the best few are refined on a grid
///    4× finer (lengths ± 2), and the winner 16× finer.
///
/// On the four 256² demo photos blurred with lengths 9–25 px at angles over 0–180° and noise
/// σ = 0.005–0.01, the estimate is within ±2 px and ±10° in the cases the tests list and in the
/// measured sweep (see the tests for the table-driven subset).
public enum MotionBlurFit {
    /// A fitted line motion blur.
    public struct Estimate: Sendable, Equatable {
        /// The blur length in pixels.
        public let length: Int
        /// The blur angle in degrees counter-clockwise from +x (rows pointing down), in [0, 180).
        public let angle: Double
        /// The noise standard deviation of the luminance that the fit used (given or estimated).
        public let noise: Double
        /// The negative log-likelihood of the estimate per spectral coefficient (lower is a
        /// better fit; comparable only between fits of the same image).
        public let score: Double
        /// The score gap (per spectral coefficient) to the best candidate that differs from the
        /// estimate by more than 2 px or 10°: near 0 the image does not decide between them;
        /// clear fits of the demo photos have margins above about 0.01.
        public let margin: Double

        /// The kernel of the estimate (`MotionBlur.lineKernel`).
        public var kernel: Tensor { MotionBlur.lineKernel(length: length, angle: angle) }
    }

    /// Internal settings of the search (exposed to the module for experiments and tests).
    struct Settings {
        var maxAngleStep = 6.0
        var angleStepScale = 1.0
        var maxTile = 256
        var taper = 32
        var rings = 12
        var noiseFloor = 1e-3
        var refineCandidates = 3
    }

    /// Estimates the length and angle of a line motion blur from the blurred image `y` alone.
    /// - Parameters:
    ///   - y: the blurred image `[C, H, W]` (gray or RGB; the luminance is used).
    ///   - lengths: the candidate lengths in pixels (each at least 2).
    ///   - noise: the standard deviation of the noise in `y` per channel ([0, 1] pixel units), or
    ///     `nil` to estimate it.
    ///   - progress: called with the fraction done (0…1) as the search proceeds.
    /// - Throws: `OperatorError.shapeMismatch` for a tensor that is not an image,
    ///   `OperatorError.invalidParameter` for lengths that do not fit the image, a negative noise
    ///   level or non-finite pixels.
    public static func estimate(_ y: Tensor, lengths: ClosedRange<Int> = 3...41, noise: Double? = nil,
                                progress: ((Double) -> Void)? = nil) throws -> Estimate {
        try estimate(y, lengths: lengths, noise: noise, settings: Settings(), progress: progress)
    }

    static func estimate(_ y: Tensor, lengths: ClosedRange<Int>, noise: Double?, settings: Settings,
                         progress: ((Double) -> Void)?) throws -> Estimate {
        guard y.rank == 3, y.shape.allSatisfy({ $0 >= 1 }) else {
            throw OperatorError.shapeMismatch(what: "the image for 'fit blur motion'", got: y.shape, expected: "an image [C, H, W]")
        }
        let (c, h, w) = y.imageGeometry
        guard lengths.lowerBound >= 2 else {
            throw OperatorError.invalidParameter(parameter: "lengths", value: "\(lengths.lowerBound)...\(lengths.upperBound)",
                                                 fits: "the shortest candidate length must be at least 2 pixels, for example 3...41")
        }
        guard fits(lengths.upperBound, height: h, width: w) else {
            let longest = (2...lengths.upperBound).last { fits($0, height: h, width: w) }
            throw OperatorError.invalidParameter(parameter: "lengths", value: "\(lengths.lowerBound)...\(lengths.upperBound)",
                fits: longest.map { $0 > lengths.lowerBound
                    ? "the \(w)x\(h) image is too small for blurs this long; use lengths up to \($0)"
                    : "the \(w)x\(h) image is too small for these lengths; use lengths between 2 and \($0)" }
                    ?? "the \(w)x\(h) image is too small to fit a motion blur; use an image of at least 34x34 pixels")
        }
        let margin = (MotionBlur.lineKernelSize(lengths.upperBound) - 1) / 2
        if let noise { try Validate.range(noise, "noise", 0, 1, "the noise is a standard deviation in [0, 1] pixel units, for example 0.01") }
        guard y.isFinite else {
            throw OperatorError.invalidParameter(parameter: "image", value: "non-finite values", fits: "replace NaN or infinity before fitting a blur")
        }

        // Luminance, with the border cut off.
        let gray = Image.grayscale(y).cropped(top: margin, left: margin, height: h - 2 * margin, width: w - 2 * margin)
        let sigma = try noise.map { $0 / Double(c).squareRoot() } ?? NoiseEstimator.estimate(gray)
        let s = Swift.max(sigma, settings.noiseFloor)
        let model = Likelihood(plane: gray.scalars, height: h - 2 * margin, width: w - 2 * margin,
                               maxTile: settings.maxTile, taper: settings.taper, noiseVariance: s * s, rings: settings.rings)
        let search = Search(model: model, lengths: lengths, settings: settings)
        let result = search.run(progress: progress)
        return Estimate(length: result.best.length, angle: result.best.angle, noise: sigma,
                        score: result.best.score / Double(model.bins * model.tiles),
                        margin: result.margin / Double(model.bins * model.tiles))
    }

    /// Whether blurs up to `length` can be fitted in an `height × width` image: after cutting a
    /// border of half the kernel, at least twice the kernel (and 32 pixels) must remain.
    public static func fits(_ length: Int, height: Int, width: Int) -> Bool {
        let side = MotionBlur.lineKernelSize(length)
        return Swift.min(height, width) - (side - 1) >= Swift.max(2 * side, 32)
    }
}
