import Foundation
@testable import TensorCore

/// A fresh temporary folder for one test, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "red-tc-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// The names in the folder (to check that nothing half-written is left behind).
    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// The path of a fixture file under `Tests/TensorCoreTests/Fixtures`.
func fixturePath(_ relative: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures/" + relative).path
}

/// The largest absolute element difference.
func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.count == b.count)
    return zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A minimal PNG writer for test inputs the library itself never writes (gray+alpha, RGBA,
/// palette, any bit depth): unfiltered rows in stored (uncompressed) deflate blocks.
enum TestPNG {
    /// A PNG of `rows` (raw sample bytes per row, without filter byte) with the given IHDR fields.
    static func make(width: Int, height: Int, bitDepth: Int, colorType: Int, rows: [[UInt8]],
                     extraChunks: [(String, [UInt8])] = []) -> [UInt8] {
        var ihdr: [UInt8] = []
        PNGChunks.appendUInt32(&ihdr, UInt32(width))
        PNGChunks.appendUInt32(&ihdr, UInt32(height))
        ihdr += [UInt8(bitDepth), UInt8(colorType), 0, 0, 0]
        var raw: [UInt8] = []
        for r in rows { raw.append(0); raw += r }
        var out = PNGChunks.signature + PNGChunks.chunk("IHDR", ihdr)
        for (t, d) in extraChunks { out += PNGChunks.chunk(t, d) }
        out += PNGChunks.chunk("IDAT", zlibStored(raw))
        out += PNGChunks.chunk("IEND", [])
        return out
    }

    /// A zlib stream holding `data` in stored deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var pos = 0
        repeat {
            let n = min(65535, data.count - pos)
            let final: UInt8 = pos + n >= data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[pos..<(pos + n)]
            pos += n
        } while pos < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for x in data { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        PNGChunks.appendUInt32(&out, b << 16 | a)
        return out
    }

    /// Big-endian bytes of 16-bit samples.
    static func be16(_ v: [Int]) -> [UInt8] { v.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
}

/// A deterministic test image `[c, h, w]` with values spread over [0, 1].
func testImage(c: Int, h: Int, w: Int, seed: UInt64 = 1) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Random.uniform([c, h, w], using: &rng)
}
