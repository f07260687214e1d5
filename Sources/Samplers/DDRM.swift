import TensorCore
import Degradations
import Diffusion

/// DDRM (Kawar et al. 2022): DDIM in the SVD basis of A with three cases per coefficient.
public struct DDRMOptions: Sendable, Equatable {
    /// The stochasticity η of the unobserved and the less-noisy coefficients (upstream 0.85).
    public var eta: Double
    /// η_b, the weight of the measurement in the noisier-than-y coefficients (upstream 1).
    public var etaB: Double
    public var steps: Int
    public init(eta: Double = 0.85, etaB: Double = 1.0, steps: Int = 20) { self.eta = eta; self.etaB = etaB; self.steps = steps }

    /// Throws `SamplerError.invalidOption` for an out-of-range value (`maxSteps`: the schedule length).
    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkUnit("eta", eta); try checkUnit("etab", etaB)
    }
}

extension DDRMOptions: Solver {
    public static let name = "ddrm"

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        try DDRM.solve(problem, options: self, n: n, base: base, control: control)
    }

    /// 2D during the ε̂ call, 6D around the step, 3D for the metrics.
    public func peakBytes(_ m: SolveMemory) -> Int? { m.ddimStyle() }
}

/// Denoising diffusion restoration models (Kawar et al. 2022) in the SVD basis A = U Σ Vᵀ.
///
/// With x̄_t = x_t/√ᾱ_t (noise level r_t = σ_t/α_t), ȳ = Σ⁺Uᵀy and x̄_θ = Vᵀx̂0, each spectral
/// coefficient i of x̄_s is drawn from one of three cases (Kawar et al. 2022, Eq. 7–8):
/// - unobserved (s_i = 0): x̄_θ + √(1−η²)·r_s·(Vᵀε̂)_i + η·r_s·z;
/// - observed, less noisy than y (s_i r_s < σ_y): x̄_θ + √(1−η²)·r_s·(ȳ − x̄_θ)/(σ_y/s_i) + η·r_s·z;
/// - observed, noisier than y (s_i r_s > σ_y): η_b ȳ + (1−η_b) x̄_θ + √(r_s² − σ_y²η_b²/s_i²)·z;
/// then x_s = √ᾱ_s V x̄_s. The start draws x̄_T given y the same way, x_T = √ᾱ_T V x̄_T.
enum DDRM {
    static func solve(_ problem: InverseProblem, options: DDRMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "ddrm")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        guard let svd = problem.op.svd else { throw SamplerError.noSVD(method: "ddrm", operatorName: problem.op.name) }
        let itemShape = problem.itemShape, d = itemShape.reduce(1, *)
        var noise: any NoiseSource = control.noise ?? SeededNoise(base: base, count: n)
        var priorRng = base.derived(-2)
        let pairs = descendingPairs(schedule, steps: options.steps)
        var driver = StepDriver(problem: problem, control: control, total: pairs.count, method: "ddrm")

        let sv = svd.singularValues.scalars.map(Double.init)
        let smax = sv.max() ?? 0
        // Singular values below 1e-6·σ_max count as unobserved.
        let s = sv.map { $0 > 1e-6 * smax ? $0 : 0 }
        let uty = svd.applyUT(problem.y).scalars.map(Double.init)
        let sigmaY = problem.sigmaY, eta = options.eta, etaB = options.etaB

        // x̄_T | y, then x_T = √ᾱ_T V x̄_T.
        let tT = pairs[0].t, rT = schedule.inverseSNR(tT)
        var items = [Tensor]()
        for i in 0..<n {
            let z = noise.next(item: i, shape: [d]).scalars
            var xbar = [Float](repeating: 0, count: d)
            for j in 0..<d {
                let sj = j < s.count ? s[j] : 0
                if sj > 0, sj * rT > sigmaY {
                    let ybar = uty[j] / sj
                    xbar[j] = Float(ybar + Swift.max(0, rT * rT - (sigmaY / sj) * (sigmaY / sj)).squareRoot() * Double(z[j]))
                } else {
                    xbar[j] = Float(rT) * z[j]
                }
            }
            items.append(svd.applyV(Tensor(shape: [d], scalars: xbar)).reshaped(itemShape) * Float(schedule.alpha(tT)))
        }
        var x = Tensor.stacked(items)

        for (k, (t, sT)) in pairs.enumerated() {
            if driver.isCancelled() { break }
            let epsHat = prior.epsilon(x, t: t, using: &priorRng)
            let x0 = schedule.x0(fromEpsilon: epsHat, xt: x, t: t)
            let rs = sT < 0 ? 0 : schedule.inverseSNR(sT)
            let keep = (1 - eta * eta).squareRoot() * rs
            var next = [Tensor]()
            for i in 0..<n {
                let vx0 = svd.applyVT(x0.item(i)).scalars, ve = svd.applyVT(epsHat.item(i)).scalars
                let z = noise.next(item: i, shape: [d]).scalars
                var xbar = [Float](repeating: 0, count: d)
                for j in 0..<d {
                    let sj = j < s.count ? s[j] : 0
                    let xt0 = Double(vx0[j]), zj = Double(z[j])
                    let value: Double
                    if sj > 0, sj * rs > sigmaY {
                        let ybar = uty[j] / sj
                        let sd = Swift.max(0, rs * rs - sigmaY * sigmaY * etaB * etaB / (sj * sj)).squareRoot()
                        value = etaB * ybar + (1 - etaB) * xt0 + sd * zj
                    } else if sj > 0, sj * rs < sigmaY {
                        value = xt0 + keep * (uty[j] - sj * xt0) / sigmaY + eta * rs * zj
                    } else {
                        value = xt0 + keep * Double(ve[j]) + eta * rs * zj
                    }
                    xbar[j] = Float(value)
                }
                next.append(svd.applyV(Tensor(shape: [d], scalars: xbar)).reshaped(itemShape) * Float(schedule.alpha(sT)))
            }
            x = Tensor.stacked(next)
            try driver.check(x0, step: k + 1, cause: "the prior returned non-finite values at t=\(t)", finiteOnly: true)
            if !driver.record(step: k + 1, t: t, estimate: x0, dataLoss: problem.residuals(x0).loss) { break }
            try driver.check(x, step: k + 1, cause: "the spectral update exploded (check the operator's singular values)")
        }
        return driver.finish(final: x)
    }
}
