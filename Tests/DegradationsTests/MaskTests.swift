import Testing
import Degradations
import TensorCore

@Suite struct MaskTests {
    @Test(arguments: UInt64(0)..<8)
    func freeformCoverageIsWithinWindow(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let m = try Mask.freeform(shape: [3, 64, 48], using: &g)
        #expect(Mask.freeformCoverage.contains(m.hiddenFraction), "coverage \(m.hiddenFraction)")
        // All channels of a pixel together.
        let plane = 64 * 48
        #expect(Array(m.mask.scalars[0..<plane]) == Array(m.mask.scalars[plane..<(2 * plane)]))
    }

    @Test func freeformIsSeeded() throws {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let ma = try Mask.freeform(shape: [1, 32, 32], using: &a), mb = try Mask.freeform(shape: [1, 32, 32], using: &b)
        let mc = try Mask.freeform(shape: [1, 32, 32], using: &c)
        #expect(ma.mask == mb.mask)
        #expect(ma.mask != mc.mask)
    }

    @Test func randomHidesExactFractionOfPixels() throws {
        var g = SeededGenerator(seed: 3)
        let m = try Mask.random(shape: [3, 20, 10], fraction: 0.7, using: &g)
        #expect(m.hiddenFraction == 0.7)
    }

    @Test func boxDefaultIsCentredHalfSide() throws {
        let m = try Mask.box(shape: [1, 256, 256])
        #expect(m.name == "mask box 128 128 at=64,64")
        #expect(m.mask[0, 63, 100] == 1 && m.mask[0, 64, 64] == 0 && m.mask[0, 191, 191] == 0 && m.mask[0, 192, 191] == 1)
        let b = try Mask.box(shape: [3, 256, 256], height: 64, width: 64, left: 96, top: 96)
        #expect(b.hiddenFraction == 64.0 * 64 / (256 * 256))
    }

    @Test func halfMasksHideTheNamedSide() throws {
        let l = try Mask.half(shape: [1, 4, 6], side: .left), t = try Mask.half(shape: [1, 4, 6], side: .top)
        #expect(l.mask[0, 0, 2] == 0 && l.mask[0, 0, 3] == 1)
        #expect(t.mask[0, 1, 0] == 0 && t.mask[0, 2, 0] == 1)
        #expect(l.separableFactors != nil)
    }

    @Test func maskTensorNonzeroIsObserved() throws {
        let t = Tensor(shape: [1, 2, 2], scalars: [0, 0.5, 1, 0])
        let m = try Mask(shape: [3, 2, 2], observed: t)
        #expect(m.mask.scalars == [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0])
    }
}
