import TensorCore
import Degradations
import Diffusion

/// Pseudo-inverse guided diffusion (ΠGDM, Song et al. 2023), noiseless form as in the RED-diff
/// codebase: g = J_{x̂0}ᵀ (A⁺y − A⁺A(x̂0)) through the prior's VJP, and
/// x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + scale·√ᾱ_s √ᾱ_t·g, from x_T = √ᾱ_T A⁺y + σ_T z.
enum PiGDM {
    static func solve(_ problem: InverseProblem, options: PiGDMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let schedule = problem.prior.schedule
        try options.validate(maxSteps: schedule.count)
        guard problem.prior.supportsVJP else { throw SamplerError.noVJP(method: "pigdm", priorName: problem.prior.name) }
        let itemShape = problem.itemShape
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let pairs = descendingPairs(schedule, steps: options.steps)
        var driver = StepDriver(problem: problem, control: control, total: pairs.count, method: "pigdm")
        var x = DPS.initialNoisy(problem, t: pairs[0].t, n: n, noise: &noise)
        let pinvY = problem.op.stablePseudoInverse(problem.y)
        for (k, (t, s)) in pairs.enumerated() {
            if driver.isCancelled() { break }
            let epsHat = problem.prior.epsilon(x, t: t, using: &priorRng)
            let x0 = schedule.x0(fromEpsilon: epsHat, xt: x, t: t)
            var cot = [Tensor](), loss = 0.0
            for i in 0..<n {
                let ax = problem.op.apply(x0.item(i))
                let r = problem.y - ax
                loss += r.squaredNorm() / Double(Swift.max(r.count, 1)) / 2
                cot.append(pinvY - problem.op.stablePseudoInverse(ax))
            }
            let (_, g) = problem.prior.x0WithVJP(x, t: t, cotangent: Tensor.stacked(cot), using: &priorRng)
            let step = DDIMStep(schedule: schedule, t: t, s: s, eta: options.eta)
            var next = step.apply(x0: x0, z: noise.batch(n, itemShape), epsHat: epsHat)
            let coeff = options.scale * schedule.alpha(s) * schedule.alpha(t)
            next.add(g, scaledBy: Float(coeff))
            x = next
            try driver.check(x0, step: k + 1, cause: "the prior returned non-finite values at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: loss / Double(n), lr: coeff) { break }
            try driver.check(x, step: k + 1, cause: "the guidance step exploded (try scale=\(options.scale / 4) or more steps)")
        }
        return driver.finish(final: x)
    }
}
