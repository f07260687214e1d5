import TensorCore
import Diffusion

/// DDIM (Song et al. 2021): an unconditional sample from the prior (ignores y).
public struct DDIMOptions: Sendable, Equatable {
    public var steps: Int
    /// η = 0: deterministic DDIM; η = 1: DDPM-like.
    public var eta: Double
    public init(steps: Int = 50, eta: Double = 0.0) { self.steps = steps; self.eta = eta }

    /// Throws `SamplerError.invalidOption` for an out-of-range value (`maxSteps`: the schedule length).
    func validate(maxSteps: Int) throws { try checkSteps(steps, maxSteps: maxSteps); try checkUnit("eta", eta) }
}

extension DDIMOptions: Solver {
    public static let name = "ddim"

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        try DDIM.solve(problem, options: self, n: n, base: base, control: control)
    }

    /// 2D during the ε̂ call, 6D around the step, 3D for the metrics.
    public func peakBytes(_ m: SolveMemory) -> Int? { m.ddimStyle() }
}

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
