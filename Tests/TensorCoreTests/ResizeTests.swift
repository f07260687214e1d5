import Testing
@testable import TensorCore

@Suite("Area resize and crop")
struct ResizeTests {
    @Test("An integer factor gives the block mean")
    func blockMean() {
        let x = Tensor(shape: [1, 4, 4], scalars: (0..<16).map(Float.init))
        let y = x.areaResized(height: 2, width: 2)
        #expect(y.shape == [1, 2, 2])
        #expect(y.scalars == [2.5, 4.5, 10.5, 12.5])
    }

    @Test("Fractional factors preserve the mean and constants", arguments: [(7, 5, 3, 2), (5, 9, 4, 4), (6, 6, 4, 5), (3, 4, 7, 9)])
    func meanPreserved(h: Int, w: Int, oh: Int, ow: Int) throws {
        let x = testImage(c: 2, h: h, w: w, seed: UInt64(h * w))
        let y = try Image.resized(x, width: ow, height: oh)
        #expect(y.shape == [2, oh, ow])
        for c in 0..<2 { #expect(abs(y.item(c).mean() - x.item(c).mean()) < 1e-5) }
        let k = Tensor(shape: [1, h, w], repeating: 0.3).areaResized(height: oh, width: ow)
        #expect(k.scalars.allSatisfy { abs($0 - 0.3) < 1e-6 })
    }

    @Test("Three-to-two weights cover 1.5 input pixels each")
    func fractionalWeights() {
        let x = Tensor(shape: [1, 1, 3], scalars: [0, 3, 6])
        // Output 0 covers [0, 1.5): (0 + 0.5·3) / 1.5 = 1; output 1 covers [1.5, 3): (0.5·3 + 6) / 1.5 = 5.
        #expect(maxAbsDiff(x.areaResized(height: 1, width: 2), Tensor(shape: [1, 1, 2], scalars: [1, 5])) < 1e-6)
    }

    @Test("Doubling replicates pixels")
    func upscale() {
        let x = Tensor(shape: [1, 2, 2], scalars: [1, 2, 3, 4])
        #expect(x.areaResized(height: 4, width: 4).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    @Test("Crops")
    func crops() throws {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let c = try Image.cropped(x, left: 1, top: 1, width: 2, height: 2)
        #expect(c.shape == [2, 2, 2])
        #expect(c.scalars == [5, 6, 9, 10, 17, 18, 21, 22])
        #expect(x.centerCropped(height: 1, width: 2).scalars == [5, 6, 17, 18])
    }
}
