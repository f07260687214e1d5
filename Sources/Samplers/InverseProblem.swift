import TensorCore
import Degradations
import Diffusion

/// An inverse problem `y = A(x) + σ_y n` with a diffusion prior on `x`, all in model space.
public struct InverseProblem: @unchecked Sendable {
    /// The diffusion prior p(x); nil for methods that need none (the pseudo-inverse).
    public var prior: (any DiffusionPrior)?
    /// The forward operator A (acts on one item).
    public var op: any ForwardOperator
    /// The measurement `y` (shape `op.outputShape`), in model units.
    public var y: Tensor
    /// The measurement noise standard deviation σ_y in model units (images: 2× the [0,1] value).
    public var sigmaY: Double
    /// The ground truth x (shape `op.inputShape`) when known; traces then carry PSNR/SSIM.
    public var groundTruth: Tensor?
    /// Whether items are images `[C, H, W]` in [-1, 1] (PSNR/SSIM on [0, 1]) rather than raw vectors.
    public var isImage: Bool

    public init(prior: (any DiffusionPrior)?, op: any ForwardOperator, y: Tensor, sigmaY: Double,
                groundTruth: Tensor? = nil, isImage: Bool) {
        self.prior = prior; self.op = op; self.y = y; self.sigmaY = sigmaY
        self.groundTruth = groundTruth; self.isImage = isImage
    }

    /// The prior, or `SamplerError.invalidProblem` saying that `method` needs one.
    public func requirePrior(for method: String) throws -> any DiffusionPrior {
        guard let prior else { throw SamplerError.invalidProblem("'\(method)' needs a prior; set one first (for example 'prior natural')") }
        return prior
    }

    /// The shape of one solution.
    public var itemShape: [Int] { op.inputShape }

    /// Throws `SamplerError.invalidProblem` unless prior, operator, measurement and ground truth fit.
    public func validate() throws {
        if let prior, let why = prior.dataShape.mismatch(op.inputShape) {
            throw SamplerError.invalidProblem("operator '\(op.name)' takes items of shape \(op.inputShape), but \(why)")
        }
        guard y.shape == op.outputShape else {
            throw SamplerError.invalidProblem("the measurement has shape \(y.shape) but operator '\(op.name)' produces \(op.outputShape)")
        }
        guard y.isFinite else { throw SamplerError.invalidProblem("the measurement has non-finite values") }
        guard sigmaY.isFinite, sigmaY >= 0 else {
            throw SamplerError.invalidProblem("the measurement noise \(sigmaY) must be finite and ≥ 0")
        }
        if let x = groundTruth, x.shape != op.inputShape {
            throw SamplerError.invalidProblem("the ground truth has shape \(x.shape) but operator '\(op.name)' takes \(op.inputShape)")
        }
    }
}
