import TensorCore
import Diffusion

/// DDIM (Song et al. 2021): an unconditional sample of the prior from x_T ~ N(0, I), ignoring y.
enum DDIM {
    static func solve(_ problem: InverseProblem, options: DDIMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "ddim")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        let itemShape = problem.itemShape
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let pairs = descendingPairs(schedule, steps: options.steps)
        var driver = StepDriver(problem: problem, control: control, total: pairs.count, method: "ddim")
        var x = noise.batch(n, itemShape)
        for (k, (t, s)) in pairs.enumerated() {
            if driver.isCancelled() { break }
            let epsHat = prior.epsilon(x, t: t, using: &priorRng)
            let x0 = schedule.x0(fromEpsilon: epsHat, xt: x, t: t)
            let z = options.eta > 0 ? noise.batch(n, itemShape) : Tensor.zeros(like: x)
            x = DDIMStep(schedule: schedule, t: t, s: s, eta: options.eta).apply(x0: x0, z: z, epsHat: epsHat)
            try driver.check(x0, step: k + 1, cause: "the prior returned non-finite values at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: problem.residuals(x0).loss) { break }
        }
        return driver.finish(final: x)
    }
}
