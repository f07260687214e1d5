import Testing
import TensorCore
import Degradations
@testable import Samplers

@Suite struct BaselinesTests {
    @Test func gradientAdjoint() {
        var rng = SeededGenerator(seed: 1)
        let x = Random.normal([2, 5, 7], using: &rng), g = Random.normal([2 * 70], using: &rng)
        let lhs = Baselines.gradient(x).dot(g), rhs = x.dot(Baselines.gradientAdjoint(g, shape: [2, 5, 7]))
        #expect(abs(lhs - rhs) < 1e-4 * max(1, abs(lhs)))
    }

    @Test func bicubicKeepsConstantsAndRamps() {
        let c = Baselines.bicubicUpsample(Tensor(shape: [1, 4, 4], repeating: 0.3), factor: 4)
        #expect(c.shape == [1, 16, 16] && (c - 0.3).maxAbs() < 1e-6)
        // A horizontal ramp is reproduced exactly away from the edges.
        let lr = Tensor(shape: [1, 6, 6], scalars: (0..<36).map { Float($0 % 6) })
        let up = Baselines.bicubicUpsample(lr, factor: 2)
        for j in 4..<8 { #expect(abs(up[0, 5, j] - ((Float(j) + 0.5) / 2 - 0.5)) < 1e-5) }
        // Block-averaging the upsampled ramp gives back the input in the interior.
        #expect(abs((up[0, 4, 4] + up[0, 4, 5]) / 2 - 2) < 1e-5)
    }

    @Test func harmonicFillReproducesLinearFunctions() throws {
        let truth = Tensor(shape: [1, 12, 12], scalars: (0..<144).map { Float($0 / 12) * 0.1 - Float($0 % 12) * 0.05 })
        let mask = try Mask.box(shape: [1, 12, 12], height: 6, width: 6)
        let filled = Baselines.harmonicFill(mask.apply(truth), mask: mask.mask)
        #expect((filled - truth).maxAbs() < 1e-3)
    }

    @Test func tikhonovApproachesTheTruthForAWeakBlur() throws {
        var rng = SeededGenerator(seed: 2)
        let truth = Random.uniform([1, 16, 16], in: -1...1, using: &rng)
        let blur = try Blur.gaussian(shape: [1, 16, 16], sigma: 0.7)
        let y = blur.apply(truth)
        let (x, mu) = Baselines.tunedTikhonov(y, op: blur, truth: truth)
        #expect((x - truth).norm() < 0.5 * (y - truth).norm())
        #expect(mu > 0)
    }
}
