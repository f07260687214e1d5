import TensorCore
import Degradations
import Diffusion

/// Pseudo-inverse guided diffusion (ΠGDM, Song et al. 2023), noiseless form as in the RED-diff
/// codebase: g = J_{x̂0}ᵀ (A⁺y − A⁺A(x̂0)) through the prior's VJP, and
/// x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + scale·√ᾱ_s √ᾱ_t·g, from x_T = √ᾱ_T A⁺y + σ_T z.
enum PiGDM {
    static func solve(_ problem: InverseProblem, options: PiGDMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "pigdm")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        let loop = GuidedDDIM(method: "pigdm", steps: options.steps, eta: options.eta,
                              explosionCause: "the guidance step exploded (try scale=\(options.scale / 4) or more steps)")
        let pinvY = problem.op.stablePseudoInverse(problem.y)
        return try loop.solve(problem, n: n, base: base, control: control, pinvY: pinvY,
                              cotangent: { _, ax, _ in pinvY - problem.op.stablePseudoInverse(ax) }) { next, g, _, t, s in
            let coeff = options.scale * schedule.alpha(s) * schedule.alpha(t)
            next.add(g, scaledBy: Float(coeff))
            return coeff
        }
    }
}
