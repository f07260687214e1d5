import TensorCore

/// The one error type of `Samplers`, with user-grade messages that name the bad value and what fits.
public enum SamplerError: Error, CustomStringConvertible {
    /// The problem's pieces do not fit together (shapes, missing measurement, …).
    case invalidProblem(String)
    /// An option value is out of range: `name`, the value given, and what fits.
    case invalidOption(name: String, value: String, expected: String)
    /// `method` needs an operator with a singular value decomposition and `operatorName` has none.
    case noSVD(method: String, operatorName: String)
    /// `method` needs the prior's x̂0 vector–Jacobian product and prior `priorName` has none.
    case noVJP(method: String, priorName: String)
    /// The iterate became non-finite or exploded at `step` (1-based); `reason` names the likely
    /// cause. `lastFinite` is the last finite estimate `[n, item…]` (nil when none was finite).
    case diverged(step: Int, reason: String, lastFinite: Tensor?)
    /// Two sample sets cannot be compared (empty, or different dimensions).
    case invalidSamples(String)

    public var description: String {
        switch self {
        case let .invalidProblem(m): return m
        case let .invalidOption(name, value, expected): return "\(name)=\(value) is out of range: expected \(expected)"
        case let .noSVD(method, op):
            return "\(method) needs an operator with a singular value decomposition; '\(op)' has none (use reddiff, dps or pigdm)"
        case let .noVJP(method, prior):
            return "\(method) needs the prior's vector–Jacobian product; prior '\(prior)' has none (use reddiff, ddrm or ddim)"
        case let .diverged(step, reason, last):
            return "diverged at step \(step): \(reason)" + (last == nil ? "" : "; the last finite iterate is kept")
        case let .invalidSamples(m): return m
        }
    }
}
