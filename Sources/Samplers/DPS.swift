import TensorCore
import Degradations
import Diffusion

/// Diffusion posterior sampling (Chung et al. 2023), as in the RED-diff codebase (`original`):
/// r = y − A(x̂0(x_t)), g = ∇_{x_t}‖r‖² through the prior's VJP, and
/// x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ − (ζ/‖r‖)·g, from x_T = √ᾱ_T A⁺y + σ_T z.
///
/// The prior protocol takes the cotangent up front, so a step costs one ε̂ call plus one
/// x̂0-with-VJP call.
enum DPS {
    static func solve(_ problem: InverseProblem, options: DPSOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "dps")
        try options.validate(maxSteps: prior.schedule.count)
        let loop = GuidedDDIM(method: "dps", steps: options.steps, eta: options.eta,
                              explosionCause: "zeta \(options.zeta) too large (try zeta=\(options.zeta / 4))")
        // Cotangent of ‖r‖² w.r.t. x̂0: −2 J_Aᵀ r, per solution; the step ζ/‖r‖ per solution.
        return try loop.solve(problem, n: n, base: base, control: control,
                              cotangent: { xi, _, r in problem.op.vjp(at: xi, r) * -2 }) { next, g, squares, _, _ in
            var meanStep = 0.0
            for i in 0..<n {
                let norm = squares[i].squareRoot(), c = norm > 0 ? options.zeta / norm : 0
                meanStep += c
                var xi = next.item(i)
                xi.add(g.item(i), scaledBy: Float(-c))
                next.setItem(i, to: xi)
            }
            return meanStep / Double(n)
        }
    }
}
