import Foundation
import Testing
@testable import Degradations
import TensorCore

/// The demo photos shipped with the language (256², [0, 1]).
let demoImages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Stdlib/images").path

/// `x + σ n` with seeded standard normal `n`, unclipped (as the language adds measurement noise).
func withNoise(_ x: Tensor, sigma: Double, seed: UInt64) -> Tensor {
    var g = SeededGenerator(seed: seed)
    var y = Random.normal(x.shape, using: &g)
    y *= Float(sigma)
    y += x
    return y
}

/// The blind noise-level estimator on the demo photos and its input checks.
@Suite struct NoiseEstimatorTests {
    /// Each demo photo, RGB and gray, with unclipped Gaussian noise of four levels: the estimate
    /// is within 15 % of σ (measured: at most 7 %).
    @Test(arguments: [("astronaut", false), ("astronaut", true), ("camera", true), ("coffee", false),
                      ("coffee", true), ("chelsea", false), ("chelsea", true)])
    func estimateIsWithinFifteenPercent(name: String, gray: Bool) throws {
        let x = try Image.load(path: demoImages + "/\(name).png", gray: gray)
        for (k, sigma) in [0.01, 0.02, 0.05, 0.1].enumerated() {
            let estimate = try NoiseEstimator.estimate(withNoise(x, sigma: sigma, seed: UInt64(100 + k)))
            #expect(abs(estimate / sigma - 1) <= 0.15, "\(name) \(gray ? "gray" : "RGB") σ=\(sigma): estimated \(estimate)")
        }
    }

    /// A smooth image is nearly noise-free; pure noise on it is measured on odd, small sizes too.
    @Test(arguments: [[1, 16, 16], [1, 40, 57], [3, 33, 20]])
    func smoothImagesAndSmallSizes(shape: [Int]) throws {
        let x = smoothImage(shape)
        #expect(try NoiseEstimator.estimate(x) < 2e-3)
        let sigma = 0.05
        let estimate = try NoiseEstimator.estimate(withNoise(x, sigma: sigma, seed: 9))
        #expect(abs(estimate / sigma - 1) <= 0.25, "shape \(shape): estimated \(estimate)")
    }

    @Test func constantImageHasNoNoise() throws {
        #expect(try NoiseEstimator.estimate(Tensor(shape: [3, 32, 32], repeating: 0.4)) == 0)
    }

    @Test(arguments: [[1, 15, 64], [3, 64, 8], [64, 64], [1, 1, 16, 16]])
    func rejectsTinyImagesAndOtherShapes(shape: [Int]) {
        #expect(throws: OperatorError.self) { try NoiseEstimator.estimate(Tensor.zeros(shape)) }
    }

    @Test func rejectsNonFiniteValues() {
        var x = Tensor.zeros([1, 20, 20])
        x.scalars[7] = .nan
        #expect(throws: OperatorError.self) { try NoiseEstimator.estimate(x) }
    }

    /// The weak-texture threshold: Q(1, x) = e^{−x} exactly, and the 1 − 10⁻⁶ quantile of
    /// Gamma(22.5, 70/45) (7 × 7 patches) equals SciPy's `gamma.ppf(1 - 1e-6, 22.5, scale=70/45)`.
    @Test func gammaTailAndQuantile() {
        for x in [0.1, 1.0, 2.5, 10.0, 30.0] {
            #expect(abs(GammaDistribution.upperTail(shape: 1, x) / exp(-x) - 1) < 1e-10)
        }
        #expect(abs(GammaDistribution.upperTail(shape: 3, 2) - 5 * exp(-2)) < 1e-12)   // e^{−x}(1 + x + x²/2)
        let q = GammaDistribution.quantile(shape: 22.5, scale: 70.0 / 45, upperTail: 1e-6)
        #expect(abs(q - 81.82076743668523) < 1e-6)
    }
}

/// A smooth deterministic image in [0.2, 0.8].
func smoothImage(_ shape: [Int]) -> Tensor {
    let (c, h, w) = (shape[0], shape[1], shape[2])
    var t = Tensor.zeros(shape)
    for ch in 0..<c { for i in 0..<h { for j in 0..<w {
        let v = 0.5 + 0.3 * sin(Double(i) * 0.11 + Double(ch)) * cos(Double(j) * 0.07)
        t.scalars[(ch * h + i) * w + j] = Float(v)
    } } }
    return t
}
