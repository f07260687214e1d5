import TensorCore

/// Additive Gaussian measurement noise `y = A(x) + σ n`, `n ~ N(0, I)` on every entry, seeded.
///
/// `sigma` is in model units: for images the language passes `2σ_y` (`pixelUnits`), because
/// images live in [-1, 1] inside the model while users state σ_y in [0, 1] pixel units; for raw
/// vector data it passes σ itself.
public struct MeasurementNoise: Sendable, Equatable {
    /// The standard deviation in model units.
    public let sigma: Float

    /// Noise of standard deviation `sigma` in model units.
    /// - Throws: `OperatorError.invalidParameter` for a negative or non-finite σ.
    public init(sigma: Double) throws {
        guard sigma.isFinite, sigma >= 0 else {
            throw OperatorError.invalidParameter(parameter: "noise", value: "\(sigma)", fits: "the noise level must be 0 or more, for example 0.05")
        }
        self.sigma = Float(sigma)
    }

    /// Noise stated in [0, 1] pixel units (σ_y ∈ [0, 1]) for images: σ = 2σ_y in model space.
    public static func pixelUnits(_ sigmaY: Double) throws -> MeasurementNoise {
        try Validate.range(sigmaY, "noise", 0, 1, "image noise is a standard deviation in [0, 1] pixel units, for example 0.05")
        return try MeasurementNoise(sigma: 2 * sigmaY)
    }

    /// `y + σ n` with fresh normal draws from `rng` (returns `y` unchanged when σ = 0).
    public func apply(to y: Tensor, using rng: inout some RandomNumberGenerator) -> Tensor {
        if sigma == 0 { return y }
        var out = Random.normal(y.shape, using: &rng)
        out *= sigma
        out += y
        return out
    }
}
