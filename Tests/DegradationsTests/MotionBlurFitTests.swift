import Foundation
import Testing
@testable import Degradations
import TensorCore

/// Blind line-motion estimation on demo photos blurred with known kernels (zero boundary, as
/// `blur motion` does) plus small unclipped noise.
@Suite struct MotionBlurFitTests {
    struct Case: Sendable, CustomStringConvertible {
        let image: String, length: Int, angle: Double, sigma: Double
        /// Pass σ to the fit instead of estimating it.
        var knownNoise = false
        var description: String { "\(image) length=\(length) angle=\(angle) σ=\(sigma)\(knownNoise ? " (given)" : "")" }
    }

    /// Lengths across 9–25 px, angles across 0–180° (two near the wrap), gray and RGB photos.
    static let cases = [
        Case(image: "astronaut", length: 9, angle: 31, sigma: 0.01),
        Case(image: "camera", length: 25, angle: 96, sigma: 0.005),
        Case(image: "coffee", length: 13, angle: 141, sigma: 0.01),
        Case(image: "chelsea", length: 19, angle: 64, sigma: 0.005),
        Case(image: "chelsea", length: 15, angle: 178.5, sigma: 0.01, knownNoise: true),
        Case(image: "coffee", length: 21, angle: 4, sigma: 0.01),
    ]

    /// The estimate is within ±2 px and ±10° (modulo 180°).
    @Test(arguments: cases)
    func recoversLengthAndAngle(_ c: Case) throws {
        let x = try Image.load(path: demoImages + "/\(c.image).png")
        let blurred = try MotionBlur.line(shape: x.shape, length: c.length, angle: c.angle).apply(x)
        let y = withNoise(blurred, sigma: c.sigma, seed: UInt64(c.length * 1000) + UInt64(c.angle))
        let e = try MotionBlurFit.estimate(y, noise: c.knownNoise ? c.sigma : nil)
        #expect(abs(e.length - c.length) <= 2, "\(c): length \(e.length)")
        #expect(MotionBlurFit.angleDistance(e.angle, c.angle) <= 10, "\(c): angle \(e.angle)")
        #expect(e.angle >= 0 && e.angle < 180)
        #expect(e.margin > 0)
        // The noise the fit used is the luminance's: σ/√C for independent channel noise.
        let luminanceSigma = c.sigma / Double(x.shape[0]).squareRoot()
        #expect(abs(e.noise / luminanceSigma - 1) < 0.25, "\(c): noise \(e.noise)")
        #expect(e.kernel == MotionBlur.lineKernel(length: e.length, angle: e.angle))
    }

    /// Progress rises to 1; a narrow length range on a small image is allowed and stays in range.
    @Test func progressAndNarrowRange() throws {
        let x = try Image.load(path: demoImages + "/camera.png").cropped(top: 60, left: 70, height: 96, width: 120)
        let y = withNoise(try MotionBlur.line(shape: x.shape, length: 7, angle: 50).apply(x), sigma: 0.005, seed: 3)
        var seen = [Double]()
        let e = try MotionBlurFit.estimate(y, lengths: 4...12) { seen.append($0) }
        #expect((4...12).contains(e.length))
        #expect(!seen.isEmpty && seen == seen.sorted() && seen.last == 1)
    }

    @Test func rejectsWhatCannotBeFitted() {
        let small = Tensor(shape: [1, 40, 40], repeating: 0.5)
        #expect(throws: OperatorError.self) { try MotionBlurFit.estimate(small) }              // 3...41 needs a larger image
        #expect(throws: OperatorError.self) { try MotionBlurFit.estimate(Tensor.zeros([64, 64])) }
        let image = Tensor(shape: [3, 128, 128], repeating: 0.5)
        #expect(throws: OperatorError.self) { try MotionBlurFit.estimate(image, lengths: 1...9) }
        #expect(throws: OperatorError.self) { try MotionBlurFit.estimate(image, noise: -0.1) }
        var bad = image
        bad.scalars[5] = .infinity
        #expect(throws: OperatorError.self) { try MotionBlurFit.estimate(bad) }
        // The message names the longest length that fits.
        do {
            _ = try MotionBlurFit.estimate(small, lengths: 3...41)
        } catch let error as OperatorError {
            #expect(error.description.contains("use lengths up to 2") == false)
            #expect(error.description.contains("40x40"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func lengthsThatFit() {
        #expect(MotionBlurFit.fits(41, height: 256, width: 256))
        #expect(!MotionBlurFit.fits(41, height: 100, width: 256))
        #expect(MotionBlurFit.fits(2, height: 34, width: 34) && !MotionBlurFit.fits(2, height: 33, width: 34))
    }

    @Test(arguments: [(1.0, 179.0, 2.0), (-5.0, 5.0, 10.0), (90.0, 0.0, 90.0), (370.0, 10.0, 0.0), (45.0, 225.0, 0.0)])
    func angleDistanceIsModulo180(a: Double, b: Double, expected: Double) {
        #expect(abs(MotionBlurFit.angleDistance(a, b) - expected) < 1e-9)
        #expect(abs(MotionBlurFit.angleDistance(b, a) - expected) < 1e-9)
    }

    @Test func normalisedAngles() {
        #expect(MotionBlurFit.normalized(180) == 0)
        #expect(MotionBlurFit.normalized(-30) == 150)
        #expect(MotionBlurFit.normalized(359.5) == 179.5)
    }
}
