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
        let schedule = problem.prior.schedule
        try options.validate(maxSteps: schedule.count)
        guard problem.prior.supportsVJP else { throw SamplerError.noVJP(method: "dps", priorName: problem.prior.name) }
        let itemShape = problem.itemShape
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let pairs = descendingPairs(schedule, steps: options.steps)
        var driver = StepDriver(problem: problem, control: control, total: pairs.count, method: "dps")
        var x = initialNoisy(problem, t: pairs[0].t, n: n, noise: &noise)
        let cause = "zeta \(options.zeta) too large (try zeta=\(options.zeta / 4))"
        for (k, (t, s)) in pairs.enumerated() {
            if driver.isCancelled() { break }
            let epsHat = problem.prior.epsilon(x, t: t, using: &priorRng)
            let x0 = schedule.x0(fromEpsilon: epsHat, xt: x, t: t)
            // Cotangent of ‖r‖² w.r.t. x̂0: −2 J_Aᵀ r, per solution.
            var cot = [Tensor](), norms = [Double](), loss = 0.0
            for i in 0..<n {
                let xi = x0.item(i)
                let r = problem.y - problem.op.apply(xi)
                let sq = r.squaredNorm()
                norms.append(sq.squareRoot()); loss += sq / Double(Swift.max(r.count, 1)) / 2
                cot.append(problem.op.vjp(at: xi, r) * -2)
            }
            let (_, g) = problem.prior.x0WithVJP(x, t: t, cotangent: Tensor.stacked(cot), using: &priorRng)
            let z = noise.batch(n, itemShape)
            var next = DDIMStep(schedule: schedule, t: t, s: s, eta: options.eta).apply(x0: x0, z: z, epsHat: epsHat)
            var meanStep = 0.0
            for i in 0..<n {
                let c = norms[i] > 0 ? options.zeta / norms[i] : 0
                meanStep += c
                var xi = next.item(i)
                xi.add(g.item(i), scaledBy: Float(-c))
                next.setItem(i, to: xi)
            }
            x = next
            try driver.check(x0, step: k + 1, cause: "the prior returned non-finite values at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: loss / Double(n), lr: meanStep / Double(n)) { break }
            try driver.check(x, step: k + 1, cause: cause)
        }
        return driver.finish(final: x)
    }

    /// x_T = √ᾱ_T A⁺y + σ_T z (the upstream initialisation of DPS and ΠGDM).
    static func initialNoisy(_ problem: InverseProblem, t: Int, n: Int, noise: inout any NoiseSource) -> Tensor {
        let s = problem.prior.schedule
        let start = problem.replicated(problem.op.stablePseudoInverse(problem.y), n)
        return Tensor.linearCombination(Float(s.alpha(t)), start, Float(s.sigma(t)), noise.batch(n, problem.itemShape))
    }
}
