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

    /// Damped CGLS is the Tikhonov solve (AᵀA + δ²I)⁻¹Aᵀy, checked against a dense solve.
    @Test func dampedLeastSquaresIsTikhonov() throws {
        var rng = SeededGenerator(seed: 6)
        let a = Random.normal([12, 9], using: &rng), y = Random.normal([12], using: &rng)
        let op = try MatrixOperator(a)
        let delta = 0.3
        let x = ConjugateGradient.leastSquares(y, apply: op.apply, adjoint: op.adjoint, tolerance: 1e-7,
                                               maxIterations: 200, damping: delta)
        let ata = Linalg.matmul(a, a, transposeA: true) + Linalg.identity(9) * Float(delta * delta)
        let want = try Linalg.solve(ata, Linalg.matvec(a, y, transpose: true))
        #expect((x - want).maxAbs() < 1e-4)
    }

    /// Motion blur (a `Convolution`, no SVD) and a mask∘blur chain damp too: noise stays bounded.
    @Test(arguments: [false, true])
    func nonSeparableBlursAreDamped(chained: Bool) throws {
        let blur = try MotionBlur.line(shape: [1, 32, 32], length: 9, angle: 30)
        var rng = SeededGenerator(seed: 7)
        let mask = try Mask.random(shape: [1, 32, 32], fraction: 0.2, using: &rng)
        let op: any ForwardOperator = chained ? try OperatorChain(inputShape: [1, 32, 32], parts: [blur, mask]) : blur
        let x = Random.uniform([1, 32, 32], in: -1...1, using: &rng)
        let y = op.apply(x) + Random.normal(op.outputShape, using: &rng) * 0.02
        let exact = op.pseudoInverse(y), stable = op.stablePseudoInverse(y)
        #expect(stable.maxAbs() < 3)
        #expect((stable - x).norm() < (exact - x).norm())
    }
}
