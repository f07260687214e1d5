import Testing
import Degradations
import TensorCore

/// Bad user values throw `OperatorError`s whose text names the value and what fits.
@Suite struct ErrorTests {
    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test func factorNotDividingListsValidFactors() {
        let m = message { try BlockAverage(shape: [3, 256, 96], factor: 5) }
        #expect(m.contains("factor=5") && m.contains("2, 4, 8"), "\(m)")
    }

    @Test func maskOfAnotherSize() {
        let m = message { try Mask(shape: [3, 256, 256], observed: Tensor.ones([1, 128, 128])) }
        #expect(m.contains("1x128x128") && m.contains("256x256"), "\(m)")
    }

    @Test func kernelLargerThanImage() {
        let m = message { try Blur.uniform(shape: [3, 16, 12], size: 13) }
        #expect(m.contains("size=13") && m.contains("at most 12"), "\(m)")
        let g = message { try Blur.gaussian(shape: [3, 16, 12], sigma: -1) }
        #expect(g.contains("sigma=-1"), "\(g)")
    }

    @Test func fractionOutsideUnitInterval() {
        var rng = SeededGenerator(seed: 0)
        let m = message { try Mask.random(shape: [3, 8, 8], fraction: 1.5, using: &rng) }
        #expect(m.contains("fraction=1.5") && m.contains("[0, 1]"), "\(m)")
    }

    @Test func boxOutsideImage() {
        let m = message { try Mask.box(shape: [3, 32, 32], height: 16, width: 16, left: 20, top: 0) }
        #expect(m.contains("at=20,0") && m.contains("0...16"), "\(m)")
    }

    @Test func chainShapeMismatch() {
        let m = message {
            try OperatorChain(inputShape: [3, 16, 16], parts: [try BlockAverage(shape: [3, 16, 16], factor: 2),
                                                              try Mask.box(shape: [3, 16, 16])])
        }
        #expect(m.contains("3x8x8") && m.contains("3x16x16"), "\(m)")
    }

    @Test func noSVDNamesOperator() {
        #expect(OperatorError.noSVD(name: "blur motion length=15 angle=30").description.contains("'blur motion length=15 angle=30'"))
    }

    @Test func noiseLevel() {
        #expect(message { try MeasurementNoise.pixelUnits(-0.1) }.contains("noise=-0.1"))
        #expect((try? MeasurementNoise.pixelUnits(0.05))?.sigma == 0.1)
    }
}

@Suite struct MoreErrorTests {
    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "" } catch { return "\(error)" }
    }

    @Test func matrixMustBeAMatrixOfTheDataDimension() {
        #expect(message { try MatrixOperator(Tensor.ones([4])) }.contains("a matrix [M, D]"))
        #expect(message { try MatrixOperator(Tensor.ones([2, 5]), inputDim: 8) }.contains("M x 8"))
        #expect(message { try MatrixOperator(Tensor(shape: [1, 2], scalars: [1, .nan])) }.contains("finite"))
    }

    @Test func otherBadValues() {
        var rng = SeededGenerator(seed: 0)
        #expect(message { try CompressedSensing(shape: [3, 8, 8], fraction: 0, using: &rng) }.contains("fraction=0.0"))
        #expect(message { try PhaseRetrieval(shape: [3, 8, 8], oversample: 0.5) }.contains("oversample=0.5"))
        #expect(message { try HDR(shape: [3, 8, 8], scale: -2) }.contains("scale=-2.0"))
        #expect(message { try MotionBlur.line(shape: [3, 8, 8], length: 15, angle: 30) }.contains("length=15"))
        #expect(message { try BicubicDownsample.make(shape: [3, 12, 12], factor: 5) }.contains("2, 3, 4, 6, 12"))
        #expect(message { try Mask.freeform(shape: [1, 3, 3], using: &rng) }.contains("16 pixels"))
        #expect(message { try Mask.box(shape: [3, 256], height: 4) }.contains("[C, H, W]"))
    }
}
