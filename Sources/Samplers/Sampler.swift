import TensorCore
import Degradations
import Diffusion

/// A solver and its options.
public enum SamplerMethod: Sendable, Equatable {
    case reddiff(REDDiffOptions)
    case dps(DPSOptions)
    case pigdm(PiGDMOptions)
    case ddrm(DDRMOptions)
    case ddim(DDIMOptions)
    /// The pseudo-inverse A⁺y (a deterministic baseline).
    case pinv

    /// The method's name as the language spells it.
    public var name: String {
        switch self {
        case .reddiff: return "reddiff"
        case .dps: return "dps"
        case .pigdm: return "pigdm"
        case .ddrm: return "ddrm"
        case .ddim: return "ddim"
        case .pinv: return "pinv"
        }
    }
}

/// The one entry point of the samplers.
public enum Sampler {
    /// The largest number of solutions one call accepts.
    public static let maxSolutions = 100_000

    /// Solves `problem` with `method`, `n` independent solutions batched through the prior.
    ///
    /// Solution i draws its noise from its own stream (`SeededGenerator(seed: rng.next()).derived(i)`),
    /// so it depends only on the generator's state and i, not on n. `rng` advances by one draw.
    /// - Parameters:
    ///   - control: step callback, cancellation flag, injected noise, trace settings.
    /// - Returns: `samples` `[n, item…]` in model space and the trace. A cancelled or stopped solve
    ///   returns normally with the estimate of its last finished step (`trace.stopReason`).
    /// - Throws: `SamplerError.invalidProblem`/`.invalidOption` for bad input, `.noSVD` (DDRM on an
    ///   operator without SVD), `.diverged(step:reason:lastFinite:)` when the iterate blows up.
    public static func solve(_ problem: InverseProblem, method: SamplerMethod, n: Int = 1,
                             using rng: inout SeededGenerator, control: SolveControl = SolveControl()) throws -> Solution {
        try problem.validate()
        guard n >= 1, n <= maxSolutions else {
            throw SamplerError.invalidOption(name: "n", value: "\(n)", expected: "an integer in 1...\(maxSolutions)")
        }
        let base = SeededGenerator(seed: rng.next())
        switch method {
        case let .reddiff(o): return try REDDiff.solve(problem, options: o, n: n, base: base, control: control)
        case let .dps(o): return try DPS.solve(problem, options: o, n: n, base: base, control: control)
        case let .pigdm(o): return try PiGDM.solve(problem, options: o, n: n, base: base, control: control)
        case let .ddrm(o): return try DDRM.solve(problem, options: o, n: n, base: base, control: control)
        case let .ddim(o): return try DDIM.solve(problem, options: o, n: n, base: base, control: control)
        case .pinv:
            var driver = StepDriver(problem: problem, control: control, total: 1, method: "pinv")
            let x = problem.replicated(problem.op.pseudoInverse(problem.y), n)
            try driver.check(x, step: 1, cause: "the operator's pseudo-inverse is not finite")
            _ = driver.record(step: 1, t: 0, estimate: x, dataLoss: problem.residuals(x).loss)
            return driver.finish(final: x)
        }
    }
}
