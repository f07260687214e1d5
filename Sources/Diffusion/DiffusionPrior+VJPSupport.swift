/// A prior whose x̂0 vector–Jacobian product may be unavailable (for example a neural network
/// without a hand-written backward pass).
public protocol VJPOptionalPrior: DiffusionPrior {
    /// Whether `x0WithVJP` is implemented for this prior.
    var hasVJP: Bool { get }
}

extension DiffusionPrior {
    /// Whether `x0WithVJP` is implemented: true unless the prior is a `VJPOptionalPrior` with
    /// `hasVJP` false. Samplers that need the VJP (DPS, ΠGDM) must check it and report an error
    /// when it is false. Works through `any DiffusionPrior` (dispatches via the cast).
    public var supportsVJP: Bool { (self as? any VJPOptionalPrior)?.hasVJP ?? true }
}
