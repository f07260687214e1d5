import Testing
import TensorCore
@testable import Diffusion

struct NoiseScheduleTests {
    /// Reference test vectors of `Docs/algorithms.md` §1 (t, ᾱ_t, r_t = σ_t/α_t).
    @Test(arguments: [(0, 0.99990, 0.0100), (100, 0.895142, 0.3423), (500, 0.0777967, 3.4430), (999, 4.03583e-5, 157.41)])
    func referenceVectors(t: Int, alphaBar: Double, r: Double) {
        let s = NoiseSchedule.linear()
        #expect(s.count == 1000)
        #expect(abs(s.alphaBar(t) - alphaBar) / alphaBar < 1e-5)
        #expect(abs(s.inverseSNR(t) - r) / r < 2e-4)
        #expect(abs(s.alpha(t) * s.alpha(t) + s.sigma(t) * s.sigma(t) - 1) < 1e-12)
    }

    @Test func fixtureEndpoints() {
        let s = NoiseSchedule.linear()
        #expect(s.alphaBar(0) == 0.9999)
        #expect(abs(s.alphaBar(999) - 4.035829765e-5) < 1e-13)
        #expect(s.alphaBar(-1) == 1)
    }

    @Test func timestepGrids() {
        let s = NoiseSchedule.linear()
        #expect(s.timesteps(50) == Array(stride(from: 0, to: 1000, by: 20)))
        #expect(s.timesteps(1000) == Array(0..<1000))
        #expect(s.timesteps(1) == [0])
        #expect(s.timesteps(3) == [0, 333, 666])
    }

    @Test func inverseSNRLookup() {
        let s = NoiseSchedule.linear()
        for t in [0, 37, 100, 500, 999] { #expect(s.time(forInverseSNR: s.inverseSNR(t)) == t) }
    }

    @Test func tweedieRoundTrip() {
        let s = NoiseSchedule.linear()
        var rng = SeededGenerator(seed: 3)
        let x0 = Random.normal([4, 5], using: &rng), eps = Random.normal([4, 5], using: &rng)
        for t in [0, 250, 999] {
            let xt = Tensor.linearCombination(Float(s.alpha(t)), x0, Float(s.sigma(t)), eps)
            let back = s.x0(fromEpsilon: eps, xt: xt, t: t)
            #expect((back - x0).maxAbs() < 2e-3 * Float(1 / s.alpha(t)))
            #expect((s.epsilon(fromX0: x0, xt: xt, t: t) - eps).maxAbs() < 1e-3 * Float(1 / s.sigma(t)))
        }
    }
}
