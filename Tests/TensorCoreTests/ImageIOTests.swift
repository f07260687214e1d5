import Foundation
import Testing
@testable import TensorCore

@Suite("Image files")
struct ImageIOTests {
    /// An image whose values are exact code values `k / maxValue`, as the decoder produces them.
    func codeImage(c: Int, h: Int, w: Int, maxValue: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let scale = 1 / Float(maxValue)
        let codes = (0..<(c * h * w)).map { i in i < 2 ? (i == 0 ? 0 : maxValue) : Int(rng.next() % UInt64(maxValue + 1)) }
        return Tensor(shape: [c, h, w], scalars: codes.map { Float($0) * scale })
    }

    @Test("PNG round trips are bit-exact", arguments: [(1, Image.BitDepth.eight), (3, .eight), (1, .sixteen), (3, .sixteen)])
    func pngRoundTrip(channels: Int, depth: Image.BitDepth) throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = codeImage(c: channels, h: 13, w: 21, maxValue: depth.maxValue, seed: UInt64(channels * 100 + depth.rawValue))
        let path = dir.file("a.png")
        try Image.save(x, to: path, bitDepth: depth)
        let y = try Image.load(path: path)
        #expect(y.shape == [channels, 13, 21])
        #expect(y == x)
        // Writing what was read gives the same file, byte for byte.
        let again = dir.file("b.png")
        try Image.save(y, to: again, bitDepth: depth)
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: again))
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        let header = try PNGChunks.parse(bytes, path: path, maxSide: Image.maxSide).header
        #expect(header.bitDepth == depth.rawValue)
        #expect(header.colorType == (channels == 3 ? 2 : 0))
        #expect(dir.contents == ["a.png", "b.png"])
    }

    @Test("Values are clamped to [0, 1] and NaN is written as 0")
    func clampOnWrite() throws {
        let x = Tensor(shape: [1, 1, 4], scalars: [-0.5, .nan, 1.7, 0.5])
        let y = try Image.decode(try Image.encode(x, format: .png))
        #expect(y.scalars == [0, 0, 1, Float(128) / 255])
    }

    @Test("8-bit gray+alpha and RGBA: alpha is dropped, colour kept exactly")
    func alpha8() throws {
        let ga = TestPNG.make(width: 3, height: 1, bitDepth: 8, colorType: 4, rows: [[10, 255, 200, 0, 77, 128]])
        let g = try Image.decode(ga)
        #expect(g.shape == [1, 1, 3])
        #expect(g.scalars.map { Int(($0 * 255).rounded()) } == [10, 200, 77])
        let rgba = TestPNG.make(width: 2, height: 1, bitDepth: 8, colorType: 6, rows: [[1, 2, 3, 255, 250, 128, 9, 0]])
        let c = try Image.decode(rgba)
        #expect(c.shape == [3, 1, 2])
        #expect(c.scalars.map { Int(($0 * 255).rounded()) } == [1, 250, 2, 128, 3, 9])
    }

    @Test("16-bit gray+alpha and RGBA: opaque pixels exact, translucent ones to 16-bit precision")
    func alpha16() throws {
        let ga = TestPNG.make(width: 2, height: 1, bitDepth: 16, colorType: 4,
                              rows: [TestPNG.be16([12345, 65535, 40000, 32768])])
        let g = try Image.decode(ga)
        #expect(g.scalars[0] == Float(12345) / 65535)
        #expect(abs(g.scalars[1] * 65535 - 40000) <= 2.5)
        let rgba = TestPNG.make(width: 1, height: 1, bitDepth: 16, colorType: 6,
                                rows: [TestPNG.be16([65535, 1000, 54321, 65535])])
        let c = try Image.decode(rgba)
        #expect(c.scalars.map { Int(($0 * 65535).rounded()) } == [65535, 1000, 54321])
    }

    @Test("Palette and low-bit-depth files expand to code values")
    func paletteAndLowBits() throws {
        let pal = TestPNG.make(width: 3, height: 1, bitDepth: 8, colorType: 3, rows: [[2, 0, 1]],
                               extraChunks: [("PLTE", [255, 0, 0, 0, 255, 0, 10, 20, 30])])
        let p = try Image.decode(pal)
        #expect(p.shape == [3, 1, 3])
        #expect(p.scalars.map { Int(($0 * 255).rounded()) } == [10, 255, 0, 20, 0, 255, 30, 0, 0])
        let bits = TestPNG.make(width: 8, height: 1, bitDepth: 1, colorType: 0, rows: [[0b1010_0001]])
        #expect(try Image.decode(bits).scalars == [1, 0, 1, 0, 0, 0, 0, 1])
    }

    @Test("Gamma chunks are ignored: stored code values come back unchanged")
    func gammaIgnored() throws {
        var gama: [UInt8] = []
        PNGChunks.appendUInt32(&gama, 100_000)   // gamma 1.0
        let g8 = TestPNG.make(width: 2, height: 1, bitDepth: 8, colorType: 0, rows: [[64, 200]], extraChunks: [("gAMA", gama)])
        #expect(try Image.decode(g8).scalars == [Float(64) * (1 / 255), Float(200) * (1 / 255)])
        var srgbGamma: [UInt8] = []
        PNGChunks.appendUInt32(&srgbGamma, 45455)
        let g16 = TestPNG.make(width: 1, height: 1, bitDepth: 16, colorType: 0, rows: [TestPNG.be16([30000])],
                               extraChunks: [("gAMA", srgbGamma)])
        #expect(try Image.decode(g16).scalars == [Float(30000) * (1 / 65535)])
    }

    @Test("Gray loading averages the channels")
    func grayLoad() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = codeImage(c: 3, h: 4, w: 5, maxValue: 255, seed: 9)
        try Image.save(x, to: dir.file("c.png"))
        let g = try Image.load(path: dir.file("c.png"), gray: true)
        #expect(g.shape == [1, 4, 5])
        #expect(maxAbsDiff(g, (x.item(0) + x.item(1) + x.item(2)).reshaped([1, 4, 5]) / 3) < 1e-6)
        let batch = Image.grayscale(Tensor.stacked([x, x * 0.5]))
        #expect(batch.shape == [2, 1, 4, 5] && maxAbsDiff(batch.item(1), g * 0.5) < 1e-6)
        #expect(Image.grayscale(Tensor.ones([4, 5])).shape == [4, 5])
    }

    @Test("PPM/PGM round trips, 8- and 16-bit", arguments: [("p.ppm", 3), ("p.pgm", 1), ("p.pnm", 3), ("p.pnm", 1)])
    func pnmRoundTrip(name: String, channels: Int) throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        for depth in Image.BitDepth.allCases {
            let x = codeImage(c: channels, h: 7, w: 6, maxValue: depth.maxValue, seed: 5)
            try Image.save(x, to: dir.file(name), bitDepth: depth)
            let bytes = [UInt8](FileManager.default.contents(atPath: dir.file(name)) ?? Data())
            #expect(bytes.count == 7 * 6 * channels * (depth == .eight ? 1 : 2) + "P5\n6 7\n\(depth.maxValue)\n".utf8.count)
            #expect(try Image.load(path: dir.file(name)) == x)
        }
    }

    @Test("PNM headers with comments and odd maxval; format by content, not extension")
    func pnmHeader() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bytes = Array("P5 # gray\n# a comment line\n3\t1\n# max\n1000\n".utf8) + [0, 0, 1, 244, 3, 232]
        let path = try dir.write(bytes, "looks-like.png")
        #expect(try Image.load(path: path).scalars == [0, 0.5, 1])
        // .ppm forces RGB, .pgm forces gray.
        try Image.save(Tensor(shape: [1, 1, 2], scalars: [0, 1]), to: dir.file("g.ppm"))
        #expect(try Image.load(path: dir.file("g.ppm")).scalars == [0, 1, 0, 1, 0, 1])
        try Image.save(Tensor(shape: [3, 1, 1], scalars: [0, 0.6, 0.9]), to: dir.file("c.pgm"))
        #expect(try Image.load(path: dir.file("c.pgm")).scalars == [Float(128) / 255])
    }

    @Test("Saving overwrites atomically and accepts [H, W] and [1, C, H, W]")
    func overwriteAndShapes() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.file("o.png")
        try Image.save(Tensor(shape: [2, 2], repeating: 1), to: path)
        try Image.save(Tensor(shape: [1, 3, 2, 2], repeating: 0), to: path)
        #expect(try Image.load(path: path) == Tensor.zeros([3, 2, 2]))
        #expect(dir.contents == ["o.png"])
    }

    @Test("The committed demo images load")
    func demoImages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let coffee = try Image.load(path: root.appendingPathComponent("Stdlib/images/coffee.png").path)
        #expect(coffee.shape == [3, 256, 256])
        #expect(coffee.min() >= 0 && coffee.max() <= 1 && coffee.max() > 0.5)
    }
}
