import Foundation
import Testing
@testable import TensorCore

/// JPEG reading and writing: round trips, EXIF orientation, agreement with Pillow's decode, and a
/// corrupt-file corpus that must give errors naming the file and never trap.
@Suite("JPEG files")
struct JPEGTests {
    // MARK: - Helpers

    /// A smooth `[c, h, w]` image (low-frequency sinusoids, different per channel).
    static func smoothImage(c: Int, h: Int, w: Int) -> Tensor {
        var v = [Float](repeating: 0, count: c * h * w)
        for k in 0..<c {
            for y in 0..<h {
                for x in 0..<w {
                    let u = Float(x) / Float(w), t = Float(y) / Float(h)
                    v[(k * h + y) * w + x] = 0.5 + 0.3 * sin(2.1 * u + 1.3 * t + Float(k)) * cos(1.7 * t - 0.4 * Float(k))
                }
            }
        }
        return Tensor(shape: [c, h, w], scalars: v)
    }

    /// An image without symmetry: a gradient plus a bright block near the top-left corner.
    static func asymmetricImage(c: Int, h: Int, w: Int) -> Tensor {
        var x = smoothImage(c: c, h: h, w: w)
        for k in 0..<c { for y in 1..<4 { for col in 2..<7 { x.scalars[(k * h + y) * w + col] = 1 } } }
        return x
    }

    /// The marker segments of a JPEG up to SOS: marker byte, offset of its 0xFF, total length.
    static func segments(_ b: [UInt8]) -> [(marker: UInt8, at: Int, length: Int)] {
        var out: [(UInt8, Int, Int)] = []
        var pos = 2
        while pos + 4 <= b.count, b[pos] == 0xFF {
            let m = b[pos + 1], len = Int(b[pos + 2]) << 8 | Int(b[pos + 3])
            out.append((m, pos, len + 2))
            if m == 0xDA { break }
            pos += len + 2
        }
        return out
    }

    /// The offset of the SOF0 segment's 0xFF byte.
    static func sofOffset(_ b: [UInt8]) -> Int { segments(b).first { $0.marker == 0xC0 }?.at ?? -1 }

    /// The offset just past the SOS header (the first entropy-coded byte).
    static func scanStart(_ b: [UInt8]) -> Int {
        guard let s = segments(b).first(where: { $0.marker == 0xDA }) else { return -1 }
        return s.at + s.length
    }

    /// A TIFF structure whose IFD0 (at offset 12, after 4 padding bytes) holds an ImageWidth entry
    /// and then the orientation tag as a SHORT.
    static func tiff(orientation: Int, bigEndian: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var t: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        t += u16(42) + u32(12) + [0, 0, 0, 0]
        t += u16(2)
        t += u16(0x0100) + u16(4) + u32(1) + u32(48)                 // ImageWidth, LONG
        t += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]  // Orientation, SHORT
        t += u32(0)                                                   // no next IFD
        return t
    }

    /// `jpeg` with an APP1 "Exif" segment holding `tiff` inserted right after SOI.
    static func withEXIF(_ jpeg: [UInt8], tiff: [UInt8]) -> [UInt8] {
        let payload = ExifOrientation.app1Prefix + tiff
        let length = payload.count + 2
        return Array(jpeg[0..<2]) + [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg[2...]
    }

    /// `x` [C, H, W] transposed (H and W swapped).
    static func transposed(_ x: Tensor) -> Tensor {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        var v = [Float](repeating: 0, count: x.count)
        for k in 0..<c { for r in 0..<w { for col in 0..<h { v[(k * w + r) * h + col] = x.scalars[(k * h + col) * w + r] } } }
        return Tensor(shape: [c, w, h], scalars: v)
    }

    /// `x` [C, H, W] mirrored left–right (`horizontal`) or top–bottom.
    static func flipped(_ x: Tensor, horizontal: Bool) -> Tensor {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        var v = [Float](repeating: 0, count: x.count)
        for k in 0..<c {
            for r in 0..<h {
                for col in 0..<w {
                    let (sr, sc) = horizontal ? (r, w - 1 - col) : (h - 1 - r, col)
                    v[(k * h + r) * w + col] = x.scalars[(k * h + sr) * w + sc]
                }
            }
        }
        return Tensor(shape: x.shape, scalars: v)
    }

    /// The upright image for an EXIF orientation, as Pillow's `ImageOps.exif_transpose` makes it.
    static func upright(_ x: Tensor, orientation: Int) -> Tensor {
        switch orientation {
        case 2: return flipped(x, horizontal: true)                                         // FLIP_LEFT_RIGHT
        case 3: return flipped(flipped(x, horizontal: true), horizontal: false)             // ROTATE_180
        case 4: return flipped(x, horizontal: false)                                        // FLIP_TOP_BOTTOM
        case 5: return transposed(x)                                                        // TRANSPOSE
        case 6: return flipped(transposed(x), horizontal: true)                             // ROTATE_270 (90° cw)
        case 7: return flipped(flipped(transposed(x), horizontal: true), horizontal: false) // TRANSVERSE
        case 8: return flipped(transposed(x), horizontal: false)                            // ROTATE_90 (90° ccw)
        default: return x
        }
    }

    /// Expects `body` to throw a `TensorError` whose text names `path` and contains every word.
    func expectError(_ path: String, _ words: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
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

    // MARK: - Writing and reading back

    @Test("Round trips at quality 95 keep the shape and reach 38 dB", arguments: [
        (3, 40, 48), (1, 40, 48), (3, 23, 37), (1, 23, 37), (3, 1, 1), (1, 9, 130),
    ])
    func roundTrip(c: Int, h: Int, w: Int) throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = Self.smoothImage(c: c, h: h, w: w)
        let path = dir.file("a.jpg")
        try Image.save(x, to: path, quality: 95)
        let y = try Image.load(path: path)
        #expect(y.shape == [c, h, w])
        let psnr = try Metrics.psnr(x, y)
        #expect(psnr >= 38, "PSNR \(psnr) dB")
        // Colour is stored as 4:2:0 YCbCr (Y sampled 2×2, Cb and Cr 1×1); gray as one component.
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        let sof = Self.sofOffset(bytes)
        try #require(sof > 0)
        #expect(Int(bytes[sof + 9]) == c)
        if c == 3 { #expect([bytes[sof + 11], bytes[sof + 14], bytes[sof + 17]] == [0x22, 0x11, 0x11]) }
        #expect(dir.contents == ["a.jpg"])
    }

    @Test("File formats by extension and the default quality")
    func fileFormat() throws {
        #expect(try Image.FileFormat(path: "a.jpg") == .jpeg(quality: 92))
        #expect(try Image.FileFormat(path: "b.JPEG") == .jpeg(quality: Image.defaultJPEGQuality))
        // A higher quality writes a larger file, so the quality reaches the encoder.
        let x = testImage(c: 3, h: 32, w: 32)
        let low = try Image.encode(x, format: .jpeg(quality: 30))
        let high = try Image.encode(x, format: .jpeg(quality: 98))
        #expect(low.count < high.count)
        #expect(Array(low.prefix(3)) == [0xFF, 0xD8, 0xFF])
    }

    @Test("A JPEG is recognised by its content, whatever the extension")
    func sniffed() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = Self.smoothImage(c: 3, h: 12, w: 20)
        let path = try dir.write(try Image.encode(x, format: .jpeg(quality: 90)), "really-a-jpeg.png")
        let y = try Image.load(path: path)
        #expect(y.shape == [3, 12, 20])
        #expect(try Image.load(path: path, gray: true).shape == [1, 12, 20])
    }

    @Test("Bad JPEG save requests: quality for PNG, quality out of range, 16 bits")
    func badSaves() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let x = testImage(c: 3, h: 4, w: 4)
        expectError(dir.file("a.png"), ["JPEG"]) { try Image.save(x, to: dir.file("a.png"), quality: 90) }
        expectError(dir.file("a.ppm"), ["JPEG"]) { try Image.save(x, to: dir.file("a.ppm"), quality: 90) }
        for q in [0, 101, -5] {
            expectError(dir.file("q.jpg"), ["1...100", "\(q)"]) { try Image.save(x, to: dir.file("q.jpg"), quality: q) }
        }
        expectError(dir.file("deep.jpg"), ["8 bits"]) { try Image.save(x, to: dir.file("deep.jpg"), bitDepth: .sixteen) }
        #expect(dir.contents.isEmpty)
    }

    // MARK: - EXIF orientation

    @Test("EXIF orientation 1–8 in both byte orders turns the decode upright",
          arguments: Array(1...8), [false, true])
    func orientation(value: Int, bigEndian: Bool) throws {
        for c in [3, 1] {
            let plain = try Image.encode(Self.asymmetricImage(c: c, h: 16, w: 24), format: .jpeg(quality: 90))
            let stored = try Image.decode(plain)
            let tagged = Self.withEXIF(plain, tiff: Self.tiff(orientation: value, bigEndian: bigEndian))
            let y = try Image.decode(tagged, path: "o\(value).jpg")
            #expect(y == Self.upright(stored, orientation: value), "orientation \(value), C = \(c)")
            #expect(y.shape == (value >= 5 ? [c, 24, 16] : [c, 16, 24]))
        }
    }

    @Test("Malformed EXIF is ignored: the image decodes as stored")
    func malformedEXIF() throws {
        let plain = try Image.encode(Self.asymmetricImage(c: 3, h: 16, w: 24), format: .jpeg(quality: 90))
        let stored = try Image.decode(plain)
        let good = Self.tiff(orientation: 6, bigEndian: false)
        let entry = 26                                  // the orientation entry in `tiff(…)`
        func patched(_ at: Int, _ bytes: [UInt8]) -> [UInt8] {
            var t = good
            t.replaceSubrange(at..<(at + bytes.count), with: bytes)
            return t
        }
        let cases: [(String, [UInt8])] = [
            ("IFD offset past the end", patched(4, [0xF0, 0xFF, 0xFF, 0xFF])),
            ("IFD offset inside the header", patched(4, [2, 0, 0, 0])),
            ("IFD offset at the last byte", patched(4, [UInt8(good.count - 1), 0, 0, 0])),
            ("entry count beyond the data", Array(patched(12, [0xFF, 0xFF]).prefix(30))),
            ("byte order", patched(0, [0x49, 0x4D])),
            ("magic number", patched(2, [43, 0])),
            ("orientation 0", patched(entry + 8, [0, 0])),
            ("orientation 9", patched(entry + 8, [9, 0])),
            ("orientation type ASCII", patched(entry + 2, [2, 0])),
            ("orientation count 0", patched(entry + 4, [0, 0, 0, 0])),
            ("TIFF header only", Array(good.prefix(6))),
            ("empty TIFF", []),
        ]
        for (name, tiff) in cases {
            let y = try Image.decode(Self.withEXIF(plain, tiff: tiff), path: name)
            #expect(y == stored, "\(name)")
        }
        // Only the first EXIF segment counts; an APP1 that is not EXIF is skipped.
        let twice = Self.withEXIF(Self.withEXIF(plain, tiff: Self.tiff(orientation: 3, bigEndian: true)),
                                  tiff: Self.tiff(orientation: 6, bigEndian: false))
        #expect(try Image.decode(twice) == Self.upright(stored, orientation: 6))
        let xmp = Array("http://ns.adobe.com/xap/1.0/\0".utf8)
        let other = Array(plain[0..<2]) + [0xFF, 0xE1, 0, UInt8(xmp.count + 2)] + xmp + plain[2...]
        #expect(try Image.decode(other) == stored)
    }

    // MARK: - Agreement with Pillow

    @Test("Our decode equals Pillow's (with exif_transpose) within 1/255",
          arguments: ["colour-420", "colour-444", "colour-422", "gray", "progressive", "exif-6", "gray-exif-8"])
    func pillow(name: String) throws {
        let ours = try Image.load(path: fixturePath("jpeg/\(name).jpg"))
        let pillow = try Image.load(path: fixturePath("jpeg/\(name).png"))
        #expect(ours.shape == pillow.shape)
        try #require(ours.shape == pillow.shape)
        // One code level, plus float rounding of k/255.
        #expect(maxAbsDiff(ours, pillow) <= 1.0 / 255 + 1e-6, "max difference \(maxAbsDiff(ours, pillow) * 255) code levels")
    }

    @Test("Concurrent decodes give the same result")
    func concurrent() throws {
        let bytes = try Image.encode(Self.smoothImage(c: 3, h: 33, w: 41), format: .jpeg(quality: 80))
        let reference = try Image.decode(bytes)
        var same = [Bool](repeating: false, count: 16)
        same.withUnsafeMutableBufferPointer { out in
            Parallel.forEach(16) { i in out[i] = (try? Image.decode(bytes)) == reference }
        }
        #expect(same.allSatisfy { $0 })
    }

    // MARK: - Corrupt files

    @Test("Truncated JPEGs at several cut points")
    func truncated() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let jpeg = try Image.encode(Self.smoothImage(c: 3, h: 40, w: 48), format: .jpeg(quality: 95))
        let sof = Self.sofOffset(jpeg), scan = Self.scanStart(jpeg)
        for cut in [2, 3, 4, 5, 19, sof + 6, scan - 1, scan, scan + 10, (scan + jpeg.count) / 2, jpeg.count - 2, jpeg.count - 1] {
            let path = try dir.write(Array(jpeg[0..<cut]), "cut-\(cut).jpg")
            expectError(path, ["truncated"]) { _ = try Image.load(path: path) }
        }
    }

    @Test("Wrong markers, empty files and bad frame headers")
    func badHeaders() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let jpeg = try Image.encode(Self.smoothImage(c: 3, h: 40, w: 48), format: .jpeg(quality: 90))
        let sof = Self.sofOffset(jpeg)
        func patched(_ offset: Int, _ bytes: [UInt8]) -> [UInt8] {
            var b = jpeg
            b.replaceSubrange((sof + offset)..<(sof + offset + bytes.count), with: bytes)
            return b
        }
        var rng = SeededGenerator(seed: 7)
        let garbage = (0..<200).map { _ in UInt8(truncatingIfNeeded: rng.next() | 1) & 0x7F }
        let noSOF: [UInt8] = {
            guard let s = Self.segments(jpeg).first(where: { $0.marker == 0xC0 }) else { return [] }
            var b = jpeg
            b.removeSubrange(s.at..<(s.at + s.length))
            return b
        }()
        let cases: [(String, [UInt8], [String])] = [
            ("empty.jpg", [], ["empty"]),
            ("garbage-after-soi.jpg", [0xFF, 0xD8] + garbage, ["marker"]),
            ("garbage-after-marker.jpg", [0xFF, 0xD8, 0xFF] + garbage, []),
            ("soi-only.jpg", [0xFF, 0xD8], ["truncated"]),
            ("eoi-first.jpg", [0xFF, 0xD8, 0xFF, 0xD9], ["end marker"]),
            ("zero-height.jpg", patched(5, [0, 0]), ["zero-sized", "48×0"]),
            ("zero-width.jpg", patched(7, [0, 0]), ["zero-sized", "0×40"]),
            ("huge.jpg", patched(5, [0xFD, 0xE8, 0xFD, 0xE8]), ["65000×65000", "beyond the limit"]),
            ("wide.jpg", patched(7, [0x40, 0x01]), ["16385×40", "beyond the limit"]),
            ("twelve-bit.jpg", patched(4, [12]), ["12-bit"]),
            ("cmyk.jpg", patched(9, [4]), ["CMYK"]),
            ("two-components.jpg", patched(9, [2]), ["2 colour components"]),
            ("no-sof.jpg", noSOF, ["frame header"]),
            ("short-segment.jpg", patched(2, [0, 1]), ["length 1"]),
        ]
        for (name, bytes, words) in cases {
            let path = try dir.write(bytes, name)
            expectError(path, words) { _ = try Image.load(path: path) }
        }
    }

    @Test("Seeded byte flips in the entropy data: a right-shaped image or an error, never a crash")
    func flippedBytes() throws {
        let jpeg = try Image.encode(Self.smoothImage(c: 3, h: 40, w: 48), format: .jpeg(quality: 90))
        let scan = Self.scanStart(jpeg)
        var rng = SeededGenerator(seed: 2024)
        var decoded = 0, failed = 0
        for trial in 0..<300 {
            var b = jpeg
            for _ in 0..<(1 + trial % 6) {
                let i = scan + Int(rng.next() % UInt64(jpeg.count - 2 - scan))
                b[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            }
            let name = "flip-\(trial).jpg"
            do {
                let y = try Image.decode(b, path: name)
                #expect(y.shape == [3, 40, 48])
                decoded += 1
            } catch let e as TensorError {
                #expect(e.description.contains(name), "\(e)")
                failed += 1
            }
        }
        #expect(decoded + failed == 300)
        #expect(failed > 0)
    }

    @Test("An EXIF segment whose length runs past the file is a truncated file")
    func exifPastEnd() throws {
        let plain = try Image.encode(Self.smoothImage(c: 1, h: 8, w: 8), format: .jpeg(quality: 90))
        let bytes = Array(plain[0..<2]) + [0xFF, 0xE1, 0xFF, 0xF0] + ExifOrientation.app1Prefix + Self.tiff(orientation: 6, bigEndian: true)
        expectError("exif.jpg", ["truncated"]) { _ = try Image.decode(bytes, path: "exif.jpg") }
    }
}
