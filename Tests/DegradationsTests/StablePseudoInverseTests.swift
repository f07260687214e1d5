import Testing
import TensorCore
@testable import Degradations

/// The pseudo-inverse the samplers start from: truncated for blurs (as upstream), exact elsewhere.
@Suite struct StablePseudoInverseTests {
    @Test func blurDropsSmallSingularValuesAndStaysBounded() throws {
        let op = try Blur.gaussian(shape: [1, 32, 32], sigma: 3)
        var rng = SeededGenerator(seed: 4)
        let x = Random.uniform([1, 32, 32], in: -1...1, using: &rng)
        let y = op.apply(x) + Random.normal([1, 32, 32], using: &rng) * 0.02
        let exact = op.pseudoInverse(y), stable = op.stablePseudoInverse(y)
        // Noise through the exact inverse explodes; the truncated inverse stays near the data.
        #expect(exact.maxAbs() > 10)
        #expect(stable.maxAbs() < 3)
        #expect((stable - x).norm() < (exact - x).norm())
    }

    @Test func resamplingKeepsTheExactInverse() throws {
        let op = try BlockAverage(shape: [3, 16, 16], factor: 4)
        var rng = SeededGenerator(seed: 5)
        let y = Random.normal([3, 4, 4], using: &rng)
        #expect((op.stablePseudoInverse(y) - op.pseudoInverse(y)).maxAbs() == 0)
    }
}
