import Foundation
import Testing
@testable import TensorCore

/// Every bad input gives a `TensorError` whose text names the file and the problem; nothing traps
/// and nothing half-written is left behind. The corrupted files are real files on disk.
@Suite("Image files: bad input")
struct ImageErrorTests {
    /// Expects `body` to throw a `TensorError` whose text contains `path` and every one of `words`.
    func expectError(_ path: String, _ words: [String], sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error for \(path)", sourceLocation: sourceLocation)
        } catch let e as TensorError {
            let text = e.description
            #expect(text.contains(path), "error does not name the file: \(text)", sourceLocation: sourceLocation)
            for w in words { #expect(text.contains(w), "error lacks '\(w)': \(text)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A real 16×12 RGB PNG's bytes.
    func validPNG() throws -> [UInt8] {
        try Image.encode(testImage(c: 3, h: 12, w: 16), format: .png)
    }

    /// A PNG whose IHDR claims `width × height`, with a valid CRC and a tiny IDAT.
    func pngClaiming(width: Int, height: Int) -> [UInt8] {
        TestPNG.make(width: width, height: height, bitDepth: 8, colorType: 0, rows: [[0]])
    }

    @Test func missingFile() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.file("nothing-here.png")
        expectError(path, ["no such file"]) { _ = try Image.load(path: path) }
        expectError(dir.path, ["folder"]) { _ = try Image.load(path: dir.path) }
    }

    @Test func notAPNG() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var rng = SeededGenerator(seed: 3)
        let garbage = (0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let path = try dir.write(garbage, "garbage.png")
        expectError(path, ["not a PNG"]) { _ = try Image.load(path: path) }
        let text = try dir.write(Array("hello, world\n".utf8), "text.png")
        expectError(text, ["not a PNG"]) { _ = try Image.load(path: text) }
        let empty = try dir.write([], "empty.png")
        expectError(empty, ["empty"]) { _ = try Image.load(path: empty) }
        let ascii = try dir.write(Array("P2\n1 1\n255\n7\n".utf8), "plain.pgm")
        expectError(ascii, ["P5/P6"]) { _ = try Image.load(path: ascii) }
    }

    @Test("Truncated PNGs at several cut points")
    func truncated() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let png = try validPNG()
        for cut in [9, 20, 33, png.count / 2, png.count - 12, png.count - 1] {
            let path = try dir.write(Array(png[0..<cut]), "cut-\(cut).png")
            expectError(path, ["truncated"]) { _ = try Image.load(path: path) }
        }
        let sig = try dir.write(Array(png[0..<8]), "only-signature.png")
        expectError(sig, ["IHDR"]) { _ = try Image.load(path: sig) }
    }

    @Test("Corrupted image data is reported by libpng, naming the file")
    func corruptData() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let png = try validPNG()
        let (_, chunks) = try PNGChunks.parse(png, path: "x", maxSide: Image.maxSide)
        var bad = PNGChunks.signature
        for c in chunks {
            if c.type == "IDAT" {
                var data = Array(png[c.dataRange])
                for i in 2..<data.count { data[i] = data[i] ^ 0x5A }   // keep the zlib header, wreck the stream
                bad += PNGChunks.chunk("IDAT", data)
            } else { bad += png[c.range] }
        }
        let path = try dir.write(bad, "corrupt.png")
        expectError(path, ["libpng"]) { _ = try Image.load(path: path) }
        // A damaged CRC on IHDR is caught as well.
        var crc = png
        crc[29] ^= 0xFF
        let crcPath = try dir.write(crc, "bad-crc.png")
        expectError(crcPath, []) { _ = try Image.load(path: crcPath) }
    }

    @Test("Zero-sized and absurdly large images", arguments: [(0, 10, "zero-sized"), (10, 0, "zero-sized"),
                                                             (20000, 20000, "beyond the limit"), (16385, 1, "beyond the limit")])
    func sizes(width: Int, height: Int, words: String) throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = try dir.write(pngClaiming(width: width, height: height), "size-\(width)x\(height).png")
        expectError(path, [words, "\(width)×\(height)"]) { _ = try Image.load(path: path) }
        let pgm = try dir.write(Array("P5\n\(width) \(height)\n255\n".utf8) + [1, 2, 3], "size.pgm")
        expectError(pgm, [words]) { _ = try Image.load(path: pgm) }
    }

    @Test("Bad PPM/PGM files")
    func badPNM() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let cases: [(String, [UInt8], String)] = [
            ("short.ppm", Array("P6\n4 4\n255\n".utf8) + [UInt8](repeating: 7, count: 20), "truncated PPM"),
            ("short16.pgm", Array("P5\n2 2\n65535\n".utf8) + [0, 1, 2, 3, 4, 5, 6], "truncated PGM"),
            ("maxval.pgm", Array("P5\n1 1\n70000\n".utf8) + [0, 0, 0], "maxval 70000"),
            ("noheader.ppm", Array("P6\n4".utf8), "truncated PPM"),
            ("letters.ppm", Array("P6\nfour 4\n255\n".utf8), "width"),
            ("digits.pgm", Array("P5\n12345678901 1\n255\n".utf8), "too many digits"),
        ]
        for (name, bytes, words) in cases {
            let path = try dir.write(bytes, name)
            expectError(path, [words]) { _ = try Image.load(path: path) }
        }
    }

    @Test("Unwritable output paths leave nothing behind")
    func unwritable() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = testImage(c: 1, h: 4, w: 4)
        let missing = dir.file("no-such-folder/out.png")
        expectError(missing, ["does not exist"]) { try Image.save(x, to: missing) }
        try FileManager.default.createDirectory(atPath: dir.file("sub.png"), withIntermediateDirectories: false)
        expectError(dir.file("sub.png"), ["folder"]) { try Image.save(x, to: dir.file("sub.png")) }
        _ = try dir.write([1, 2, 3], "plain-file")
        let underFile = dir.file("plain-file/out.png")
        expectError(underFile, ["not a folder"]) { try Image.save(x, to: underFile) }
        expectError(dir.file("out.gif"), [".gif"]) { try Image.save(x, to: dir.file("out.gif")) }
        expectError(dir.file("bad.png"), ["[2, 4, 4]"]) { try Image.save(Tensor.zeros([2, 4, 4]), to: dir.file("bad.png")) }
        expectError(dir.file("empty.png"), ["1 to"]) { try Image.save(Tensor.zeros([1, 0, 4]), to: dir.file("empty.png")) }
        #expect(dir.contents == ["plain-file", "sub.png"])
    }

    @Test("A folder without write permission", .enabled(if: getuid() != 0, "root may write anywhere"))
    func noPermission() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let locked = dir.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o500])
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked) }
        let path = locked + "/out.png"
        expectError(path, ["Permission denied"]) { try Image.save(testImage(c: 3, h: 4, w: 4), to: path) }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: locked)) ?? ["?"]).isEmpty)
    }

    @Test("A failed save keeps the previous file intact")
    func previousFileKept() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.file("keep.png")
        let x = testImage(c: 3, h: 5, w: 5)
        try Image.save(x, to: path)
        let before = FileManager.default.contents(atPath: path)
        #expect(throws: TensorError.self) { try Image.save(Tensor.zeros([4, 5, 5]), to: path) }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(dir.contents == ["keep.png"])
    }

    @Test("Resize and crop validate their arguments")
    func resizeCropErrors() {
        let x = testImage(c: 1, h: 8, w: 8)
        #expect(throws: TensorError.self) { try Image.resized(x, width: 0, height: 4) }
        #expect(throws: TensorError.self) { try Image.resized(x, width: 4, height: 20000) }
        #expect(throws: TensorError.self) { try Image.cropped(x, left: 4, top: 0, width: 5, height: 2) }
        #expect(throws: TensorError.self) { try Image.cropped(x, left: -1, top: 0, width: 2, height: 2) }
        #expect(throws: TensorError.self) { try Image.cropped(x, left: 0, top: 0, width: 0, height: 2) }
    }
}
