import Foundation
import Testing
import TensorCore
@testable import Diffusion

/// A small mixture with random full covariances (exercises the rotated path).
func randomMixture(k: Int, d: Int, seed: UInt64) throws -> GaussianMixturePrior {
    var rng = SeededGenerator(seed: seed)
    var cov: [Float] = []
    for _ in 0..<k {
        let b = Random.normal([d, d], using: &rng)
        var c = Linalg.matmul(b, b, transposeB: true) * (1 / Float(d))
        for i in 0..<d { c.scalars[i * d + i] += 0.2 }
        cov += c.scalars
    }
    return try GaussianMixturePrior(weights: Random.uniform([k], in: 0.2...1, using: &rng),
                                    means: Random.normal([k, d], using: &rng) * 2,
                                    covariances: Tensor(shape: [k, d, d], scalars: cov))
}

struct GaussianMixturePriorTests {
    /// ε̂ = −σ_t ∇ log p_t, checked by central differences of the directly evaluated density.
    @Test(arguments: [10, 300, 900])
    func epsilonIsScaledScore(t: Int) throws {
        let prior = try randomMixture(k: 4, d: 5, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let x = Random.normal([3, 5], using: &rng)
        let eps = prior.epsilon(x, t: t, using: &rng)
        let sigma = prior.schedule.sigma(t), h: Float = 1e-2
        for i in 0..<3 { for j in 0..<5 {
            var xp = x, xm = x
            xp.scalars[i * 5 + j] += h; xm.scalars[i * 5 + j] -= h
            let g = (prior.logDensity(xp, t: t)[i] - prior.logDensity(xm, t: t)[i]) / (2 * Double(h))
            #expect(abs(Double(eps.scalars[i * 5 + j]) + sigma * g) < 2e-3 * max(1, abs(sigma * g)), "t=\(t) (\(i),\(j))")
        } }
    }

    /// x̂0 agrees with Tweedie's formula applied to ε̂.
    @Test(arguments: [0, 200, 700])
    func x0IsTweedie(t: Int) throws {
        let prior = try randomMixture(k: 3, d: 6, seed: 4)
        var rng = SeededGenerator(seed: 5)
        let x = Random.normal([4, 6], using: &rng)
        let (x0, _) = prior.x0WithVJP(x, t: t, cotangent: x, using: &rng)
        let tweedie = prior.x0(x, t: t, using: &rng)
        #expect((x0 - tweedie).maxAbs() < 1e-3 * max(1, Float(1 / prior.schedule.alpha(t)) * 1e-2))
    }

    /// The hand-derived VJP of x̂0 against central differences, on rotated and diagonal components.
    @Test(arguments: [(50, false), (400, false), (850, false), (400, true)])
    func vjpMatchesFiniteDifferences(t: Int, grid: Bool) throws {
        let prior = grid ? try GaussianMixturePrior.grid(dim: 4) : try randomMixture(k: 4, d: 5, seed: 7)
        let d = prior.dim
        var rng = SeededGenerator(seed: 8)
        let a = Float(prior.schedule.alpha(t))
        let x = Random.normal([2, d], using: &rng) * (grid ? 8 * a + 1 : 1.5)
        let v = Random.normal([2, d], using: &rng)
        let (_, vjp) = prior.x0WithVJP(x, t: t, cotangent: v, using: &rng)
        let h: Float = 2e-3
        for i in 0..<2 { for j in 0..<d {
            var xp = x, xm = x
            xp.scalars[i * d + j] += h; xm.scalars[i * d + j] -= h
            let fp = prior.posteriorMean(xp, t: t), fm = prior.posteriorMean(xm, t: t)
            var fd = 0.0
            for e in 0..<d { fd += Double(v.scalars[i * d + e]) * Double(fp.scalars[i * d + e] - fm.scalars[i * d + e]) / (2 * Double(h)) }
            let got = Double(vjp.scalars[i * d + j])
            #expect(abs(got - fd) < 2e-2 * max(1, abs(fd)), "t=\(t) item \(i) coord \(j): \(got) vs \(fd)")
        } }
    }

    @Test func sampleMoments() throws {
        let prior = try GaussianMixturePrior(weights: Tensor(shape: [2], scalars: [0.25, 0.75]),
                                             means: Tensor(shape: [2, 2], scalars: [-3, 0, 3, 1]),
                                             covariances: Tensor(shape: [2, 2, 2], scalars: [1, 0.5, 0.5, 1, 0.25, 0, 0, 2]))
        var rng = SeededGenerator(seed: 9)
        let n = 40000
        let s = prior.sample(n: n, using: &rng)
        let mean0 = (0..<n).reduce(0.0) { $0 + Double(s.scalars[2 * $1]) } / Double(n)
        let mean1 = (0..<n).reduce(0.0) { $0 + Double(s.scalars[2 * $1 + 1]) } / Double(n)
        #expect(abs(mean0 - 1.5) < 0.05)   // 0.25·(−3) + 0.75·3
        #expect(abs(mean1 - 0.75) < 0.05)
        let left = (0..<n).filter { s.scalars[2 * $0] < 0 }.count
        #expect(abs(Double(left) / Double(n) - 0.25) < 0.01)
        var again = SeededGenerator(seed: 9)
        #expect(prior.sample(n: 10, using: &again) == s.items(0..<10))
    }

    /// The Kalman-form posterior equals the information form (C⁻¹ + AᵀA/σ²)⁻¹ for full covariances.
    @Test func posteriorMatchesInformationForm() throws {
        let prior = try randomMixture(k: 3, d: 4, seed: 12)
        var rng = SeededGenerator(seed: 13)
        let a = Random.normal([2, 4], using: &rng), y = Random.normal([2], using: &rng)
        let sy: Float = 0.3
        let post = try prior.posterior(matrix: a, observation: y, noiseSigma: Double(sy))
        let ata = Linalg.matmul(a, a, transposeA: true) * (1 / (sy * sy))
        let aty = Linalg.matvec(a, y, transpose: true) * (1 / (sy * sy))
        for k in 0..<3 {
            let c = Tensor(shape: [4, 4], scalars: Array(prior.covariances.scalars[(k * 16)..<(k * 16 + 16)]))
            let cinv = try Linalg.solve(c, Linalg.identity(4))
            let cp = try Linalg.solve(cinv + ata, Linalg.identity(4))
            let mk = Tensor(shape: [4], scalars: Array(prior.means.scalars[(k * 4)..<(k * 4 + 4)]))
            let mp = Linalg.matvec(cp, Linalg.matvec(cinv, mk) + aty)
            for i in 0..<16 { #expect(abs(cp.scalars[i] - post.covariances.scalars[k * 16 + i]) < 1e-3) }
            for i in 0..<4 { #expect(abs(mp.scalars[i] - post.means.scalars[k * 4 + i]) < 1e-3 * max(1, abs(mp.scalars[i]))) }
        }
        #expect(abs(post.logWeights.map { exp($0) }.reduce(0, +) - 1) < 1e-9)
    }

    @Test func invalidParametersThrow() {
        #expect(throws: PriorError.self) { try GaussianMixturePrior.grid(dim: 0) }
        #expect(throws: PriorError.self) {
            try GaussianMixturePrior(weights: Tensor(shape: [1], scalars: [1]), means: Tensor(shape: [1, 2], scalars: [0, 0]),
                                     covariances: Tensor(shape: [1, 2, 2], scalars: [1, 2, 2, 1]))   // indefinite
        }
        #expect(throws: PriorError.self) {
            try GaussianMixturePrior(weights: Tensor(shape: [2], scalars: [1, 1]), means: Tensor(shape: [1, 2], scalars: [0, 0]),
                                     covariances: Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 1]))
        }
    }
}
