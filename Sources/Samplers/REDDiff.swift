import TensorCore
import Degradations
import Diffusion

/// RED-diff (Mardani, Song, Kautz, Vahdat, ICLR 2024), exactly as the official sampler.
///
/// Minimises over μ: w_t·mean(sg(ε̂(α_t μ + σ_t ε, t) − ε) ⊙ μ) + v·mean((y − A(μ))²)/2, one
/// stochastic (t, ε) per step, t visiting the grid [0, skip, …, T − skip] (largest first for
/// `desc`), w_t = λ·f(σ_t/α_t). The gradient needs no network Jacobian:
/// g = w_t (ε̂ − ε)/numel(x) − v·J_Aᵀ(y − A(μ))/numel(y). Adam (β = (0.9, 0.99), ε = 1e-8,
/// PyTorch bias correction) or SGD. The output is the x0 of the last iteration (μ before the
/// final update), as upstream. Reference: `Docs/algorithms.md` §2.
enum REDDiff {
    /// RED-diff's Adam: β = (0.9, 0.99), ε = 1e-8.
    static let adam = Adam(beta1: 0.9, beta2: 0.99, epsilon: 1e-8)

    /// The visited times in iteration order.
    static func timesteps(_ options: REDDiffOptions, schedule: NoiseSchedule, base: SeededGenerator) -> [Int] {
        let grid = schedule.timesteps(options.steps, below: options.tMax ?? schedule.count)
        switch options.order {
        case .desc: return grid.reversed()
        case .asc: return grid
        case .random:
            var g = base.derived(-1)
            return Random.permutation(grid.count, using: &g).map { grid[$0] }
        }
    }

    static func solve(_ problem: InverseProblem, options: REDDiffOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "reddiff")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        let itemShape = problem.itemShape
        let batchShape = [n] + itemShape
        let d = itemShape.reduce(1, *), m = Swift.max(problem.y.count, 1)
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let ts = timesteps(options, schedule: schedule, base: base)
        let v = options.obsWeight.value(sigmaY: problem.sigmaY)
        let lr = options.effectiveLR(for: prior)

        var mu: Tensor
        switch options.initialization {
        case .pinv: mu = problem.replicated(problem.op.stablePseudoInverse(problem.y), n)
        case .zero: mu = Tensor.zeros(batchShape)
        case .noise: mu = Tensor.stacked((0..<n).map { noise.next(item: $0, shape: itemShape) })
        case .classical: mu = problem.replicated(Baselines.warmStart(problem.y, op: problem.op), n)
        }
        var driver = StepDriver(problem: problem, control: control, total: ts.count, method: "reddiff")
        let cause = options.optimizer == .adam
            ? "lr \(options.lr) too large (try lr=\(options.lr / 5))"
            : "lr \(options.lr) too large for sgd (try adam, or lr=\(options.lr / 10))"
        try driver.check(mu, step: 0, cause: "the initialisation \(options.initialization) is not finite")
        var m1 = [Float](repeating: 0, count: n * d), m2 = [Float](repeating: 0, count: n * d)

        for (k, t) in ts.enumerated() {
            if driver.isCancelled() { break }
            let alpha = schedule.alpha(t), sigma = schedule.sigma(t)
            let w = options.lambda * options.weighting(sigma / alpha)
            let eps = Tensor.stacked((0..<n).map { noise.next(item: $0, shape: itemShape) })
            let xt = Tensor.linearCombination(Float(alpha), mu, Float(sigma), eps)
            let epsHat = prior.epsilon(xt, t: t, using: &priorRng)
            let x0 = mu

            // Data term: residuals and J_Aᵀ r per solution.
            let (dataLoss, dataGrad) = problem.op.dataTerm(x0, y: problem.y, items: n)
            // Regulariser w_t·mean(sg(ε̂ − ε) ⊙ μ), averaged over solutions (= mean over all).
            let reg = w * (epsHat.dot(x0) - eps.dot(x0)) / Double(n * d)

            let cw = Float(w / Double(d)), cv = Float(v / Double(m))
            let lr = lr * options.lrSchedule.factor(step: k, of: ts.count)
            switch options.optimizer {
            case .adam:
                let (stepSize, invSqrtBc2) = adam.coefficients(step: k + 1, learningRate: lr)
                adamUpdate(&mu, epsHat: epsHat, eps: eps, dataGrad: dataGrad, cw: cw, cv: cv,
                           m1: &m1, m2: &m2, stepSize: stepSize, invSqrtBc2: invSqrtBc2)
            case .sgd:
                sgdUpdate(&mu, epsHat: epsHat, eps: eps, dataGrad: dataGrad, cw: cw, cv: cv, lr: Float(lr))
            }
            control.iterateObserver?(k + 1, mu)
            try driver.check(epsHat, step: k + 1, cause: "the prior returned non-finite noise predictions at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: dataLoss, regLoss: reg, lr: lr) { break }
            try driver.check(mu, step: k + 1, cause: cause)
        }
        // Upstream returns the x0 of the last iteration (μ before the final update).
        return driver.finish(final: driver.lastEstimate ?? mu)
    }

    /// One Adam step on μ with g = cw·(ε̂ − ε) − cv·dataGrad (`Adam`, torch.optim.Adam semantics).
    static func adamUpdate(_ mu: inout Tensor, epsHat: Tensor, eps: Tensor, dataGrad: [Float], cw: Float, cv: Float,
                           m1: inout [Float], m2: inout [Float], stepSize: Float, invSqrtBc2: Float) {
        let count = mu.count
        mu.withUnsafeMutableBufferPointer { pm in
            epsHat.withUnsafeBufferPointer { ph in eps.withUnsafeBufferPointer { pe in
                dataGrad.withUnsafeBufferPointer { pd in m1.withUnsafeMutableBufferPointer { p1 in
                    m2.withUnsafeMutableBufferPointer { p2 in
                        let pm = UncheckedSendable(pm.baseAddress!), ph = UncheckedSendable(ph.baseAddress!)
                        let pe = UncheckedSendable(pe.baseAddress!), pd = UncheckedSendable(pd.baseAddress!)
                        let p1 = UncheckedSendable(p1.baseAddress!), p2 = UncheckedSendable(p2.baseAddress!)
                        Parallel.chunks(count) { range in
                            adam.update(pm.value, m: p1.value, v: p2.value, range: range, stepSize: stepSize, invSqrtBc2: invSqrtBc2) { i in
                                cw * (ph.value[i] - pe.value[i]) - cv * pd.value[i]
                            }
                        }
                    }
                }}
            }}
        }
    }

    /// One gradient-descent step μ ← μ − lr·g.
    static func sgdUpdate(_ mu: inout Tensor, epsHat: Tensor, eps: Tensor, dataGrad: [Float], cw: Float, cv: Float, lr: Float) {
        let count = mu.count
        mu.withUnsafeMutableBufferPointer { pm in
            epsHat.withUnsafeBufferPointer { ph in eps.withUnsafeBufferPointer { pe in
                dataGrad.withUnsafeBufferPointer { pd in
                    let pm = UncheckedSendable(pm.baseAddress!), ph = UncheckedSendable(ph.baseAddress!)
                    let pe = UncheckedSendable(pe.baseAddress!), pd = UncheckedSendable(pd.baseAddress!)
                    Parallel.chunks(count) { range in
                        var i = range.lowerBound
                        while i < range.upperBound {
                            pm.value[i] -= lr * (cw * (ph.value[i] - pe.value[i]) - cv * pd.value[i])
                            i &+= 1
                        }
                    }
                }
            }}
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
