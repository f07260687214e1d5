import Testing
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// ΠGDM's noisy form: its cotangent is r_t²·Aᵀ(r_t² A Aᵀ + σ_y² I)⁻¹(y − A x̂0), computed here by
/// a direct solve, and it becomes the noiseless form's A⁺(y − A x̂0) as σ_y → 0.
@Suite struct PiGDMFormTests {
    /// A 5 × 8 operator of full row rank, its input x̂0 and a residual.
    static func case5x8() throws -> (MatrixOperator, Tensor, Tensor) {
        var rng = SeededGenerator(seed: 21)
        let op = try MatrixOperator(Random.normal([5, 8], using: &rng))
        return (op, Random.normal([8], using: &rng), Random.normal([5], using: &rng))
    }

    /// Solves M u = b for a small symmetric positive-definite M (row-major m × m) by elimination.
    static func solve(_ m: [Double], _ b: [Double]) -> [Double] {
        let n = b.count
        var a = m, x = b
        for k in 0..<n {
            for i in (k + 1)..<n {
                let f = a[i * n + k] / a[k * n + k]
                for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
                x[i] -= f * x[k]
            }
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = x[k]
            for j in (k + 1)..<n { s -= a[k * n + j] * x[j] }
            x[k] = s / a[k * n + k]
        }
        return x
    }

    @Test(arguments: [(0.3, 700), (0.05, 100), (1.0, 999)])
    func noisyCotangentMatchesTheDirectSolve(_ sigmaY: Double, _ t: Int) throws {
        let (op, x0, v) = try Self.case5x8()
        let schedule = NoiseSchedule.linear()
        let r2 = 1 - schedule.alphaBar(t)
        let guidance = PiGDMGuidance(op: op, pinvY: Tensor.zeros([8]), schedule: schedule, scale: 1, form: .noisy, sigmaY: sigmaY)
        let c = guidance.cotangent(x0: x0, ax: op.apply(x0), residual: v, t: t)
        // M = r² A Aᵀ + σ² I from the columns A e_j
        let a = (0..<8).map { j -> [Double] in
            var e = [Float](repeating: 0, count: 8); e[j] = 1
            return op.apply(Tensor(shape: [8], scalars: e)).scalars.map(Double.init)
        }
        var m = [Double](repeating: 0, count: 25)
        for i in 0..<5 { for k in 0..<5 { m[i * 5 + k] = r2 * (0..<8).reduce(0) { $0 + a[$1][i] * a[$1][k] } + (i == k ? sigmaY * sigmaY : 0) } }
        let u = Self.solve(m, v.scalars.map(Double.init))
        let expected = (0..<8).map { j in r2 * (0..<5).reduce(0) { $0 + a[j][$1] * u[$1] } }
        let err = zip(c.scalars, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        let size = expected.map(abs).max() ?? 0
        #expect(err <= 1e-3 * max(size, 1e-3), "σ_y \(sigmaY) t \(t): \(err) against \(size)")
    }

    @Test func noisyFormBecomesTheNoiselessOneWithoutNoise() throws {
        let (op, x0, v) = try Self.case5x8()
        let schedule = NoiseSchedule.linear()
        let ax = op.apply(x0), y = ax + v
        let noisy = PiGDMGuidance(op: op, pinvY: op.stablePseudoInverse(y), schedule: schedule, scale: 1, form: .noisy, sigmaY: 0)
        let noiseless = PiGDMGuidance(op: op, pinvY: op.stablePseudoInverse(y), schedule: schedule, scale: 1, form: .noiseless, sigmaY: 0)
        let a = noisy.cotangent(x0: x0, ax: ax, residual: v, t: 500), b = noiseless.cotangent(x0: x0, ax: ax, residual: v, t: 500)
        let err = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(err <= 1e-3 * max(b.scalars.map(abs).max() ?? 0, 1e-3), "\(err)")
        // at t = −1 (r² = 0) the noisy form has nothing to say
        #expect(noisy.cotangent(x0: x0, ax: ax, residual: v, t: -1).scalars.allSatisfy { $0 == 0 })
    }

    @Test func noisyFormRefusesNonlinearOperators() throws {
        let prior = try GaussianMixturePrior(contentsOf: fixtureDir + "/gmm/gmm-d8-prior.safetensors")
        let op = Squares()
        let problem = InverseProblem(prior: prior, op: op, y: op.apply(Tensor.zeros([8])), sigmaY: 0.1, isImage: false)
        var rng = SeededGenerator(seed: 1)
        let error = #expect(throws: SamplerError.self) {
            try Sampler.solve(problem, method: .pigdm(PiGDMOptions(steps: 5, form: .noisy)), n: 1, using: &rng)
        }
        #expect("\(String(describing: error))".contains("form"))
        _ = try Sampler.solve(problem, method: .pigdm(PiGDMOptions(steps: 5)), n: 1, using: &rng)
    }

    /// y = x ⊙ x on vectors of 8: a nonlinear operator.
    struct Squares: ForwardOperator {
        var name: String { "squares" }
        var inputShape: [Int] { [8] }
        var outputShape: [Int] { [8] }
        var isLinear: Bool { false }
        func apply(_ x: Tensor) -> Tensor { x * x }
        func vjp(at x: Tensor, _ v: Tensor) -> Tensor { x * v * 2 }
        func pseudoInverse(_ y: Tensor) -> Tensor { y.map { $0.magnitude.squareRoot() } }
        func dataTerm(_ x: Tensor, y: Tensor, items n: Int) -> (loss: Double, gradient: [Float]) {
            var loss = 0.0, gradient = [Float]()
            for i in 0..<n {
                let xi = x.item(i), r = y - apply(xi)
                loss += r.squaredNorm() / Double(2 * r.count * n)
                gradient += vjp(at: xi, r).scalars
            }
            return (loss, gradient)
        }
    }
}
