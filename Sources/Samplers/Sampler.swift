import TensorCore
import Degradations
import Diffusion

/// A solver and its options: any `Solver`, compared by type and options.
public struct SamplerMethod: Sendable, Equatable {
    /// The configured solver.
    public let solver: any Solver

    public init(_ solver: some Solver) { self.solver = solver }

    /// The method's name as the language spells it.
    public var name: String { type(of: solver).name }

    public static func == (a: SamplerMethod, b: SamplerMethod) -> Bool { a.solver.isEqual(to: b.solver) }

    /// RED-diff with `options`.
    public static func reddiff(_ options: REDDiffOptions) -> SamplerMethod { SamplerMethod(options) }
    /// DPS with `options`.
    public static func dps(_ options: DPSOptions) -> SamplerMethod { SamplerMethod(options) }
    /// ΠGDM with `options`.
    public static func pigdm(_ options: PiGDMOptions) -> SamplerMethod { SamplerMethod(options) }
    /// DDRM with `options`.
    public static func ddrm(_ options: DDRMOptions) -> SamplerMethod { SamplerMethod(options) }
    /// DDIM (unconditional) with `options`.
    public static func ddim(_ options: DDIMOptions) -> SamplerMethod { SamplerMethod(options) }
    /// The pseudo-inverse A⁺y (a deterministic baseline).
    public static var pinv: SamplerMethod { SamplerMethod(PseudoInverse()) }
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
        return try method.solver.solve(problem, n: n, base: base, control: control)
    }
}
