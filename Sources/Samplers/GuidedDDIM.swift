import TensorCore
import Degradations
import Diffusion

/// The loop DPS and ΠGDM share: a DDIM step from ε̂ and x̂0, then a guidance step along
/// g = J_{x̂0}ᵀ·(a method-specific cotangent of x̂0), the Jacobian taken w.r.t. x_t through the
/// prior's VJP; from x_T = √ᾱ_T A⁺y + σ_T z (the upstream initialisation of both).
///
/// Per step: ε̂ (one prior call), x̂0, per solution r = y − A(x̂0) and its cotangent, g (one
/// x̂0-with-VJP call), z, the DDIM step, the guidance; the data loss logged is mean ‖r‖²/(2m).
struct GuidedDDIM {
    let method: String
    let steps: Int
    let eta: Double
    /// The likely cause reported when the iterate explodes.
    let explosionCause: String

    /// - Parameters:
    ///   - guidance: the method's cotangent of x̂0 and its step along g.
    ///   - pinvY: `problem.op.stablePseudoInverse(problem.y)` when the caller already has it (a
    ///     CGLS solve for operators without an SVD); computed here otherwise.
    func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl, pinvY: Tensor? = nil,
               guidance: some Guidance) throws -> Solution {
        let prior = try problem.requirePrior(for: method)
        let schedule = prior.schedule
        guard prior.supportsVJP else { throw SamplerError.noVJP(method: method, priorName: prior.name) }
        let itemShape = problem.itemShape
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let pairs = descendingPairs(schedule, steps: steps)
        var driver = StepDriver(problem: problem, control: control, total: pairs.count, method: method)
        let start = problem.replicated(pinvY ?? problem.op.stablePseudoInverse(problem.y), n)
        var x = Tensor.linearCombination(Float(schedule.alpha(pairs[0].t)), start, Float(schedule.sigma(pairs[0].t)),
                                         noise.batch(n, itemShape))
        for (k, (t, s)) in pairs.enumerated() {
            if driver.isCancelled() { break }
            let epsHat = prior.epsilon(x, t: t, using: &priorRng)
            let x0 = schedule.x0(fromEpsilon: epsHat, xt: x, t: t)
            var cot = [Tensor](), squares = [Double](), loss = 0.0
            for i in 0..<n {
                let xi = x0.item(i), ax = problem.op.apply(xi)
                let r = problem.y - ax
                let sq = r.squaredNorm()
                squares.append(sq); loss += sq / Double(Swift.max(r.count, 1)) / 2
                cot.append(guidance.cotangent(x0: xi, ax: ax, residual: r, t: t))
            }
            let (_, g) = prior.x0WithVJP(x, t: t, cotangent: Tensor.stacked(cot), using: &priorRng)
            let z = noise.batch(n, itemShape)
            var next = DDIMStep(schedule: schedule, t: t, s: s, eta: eta).apply(x0: x0, z: z, epsHat: epsHat)
            let lr = guidance.guide(&next, gradient: g, squaredResiduals: squares, t: t, s: s)
            x = next
            try driver.check(x0, step: k + 1, cause: "the prior returned non-finite values at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: loss / Double(n), lr: lr) { break }
            try driver.check(x, step: k + 1, cause: explosionCause)
        }
        return driver.finish(final: x)
    }
}

/// How a guided DDIM sampler steers each step toward the measurement: the cotangent of x̂0 it
/// pulls back through the prior, and the step it takes along the resulting g.
protocol Guidance {
    /// The cotangent of x̂0 of one solution, given x̂0, A(x̂0) and r = y − A(x̂0) at time t.
    func cotangent(x0: Tensor, ax: Tensor, residual: Tensor, t: Int) -> Tensor
    /// Applies the guidance to the DDIM step's result `next` `[n, item…]` given g, ‖r‖² per
    /// solution, and the step t → s; returns the (mean) step size to log.
    func guide(_ next: inout Tensor, gradient g: Tensor, squaredResiduals: [Double], t: Int, s: Int) -> Double
}
