/// The chunk layer of PNG files, handled in Swift before and after libpng sees the bytes.
///
/// Reading checks the signature, the IHDR size limits and that every chunk lies inside the file
/// (so a truncated file is reported as such), and drops the colour-space chunks (`gAMA`, `sRGB`,
/// `iCCP`, `cHRM`), so that libpng's simplified API returns the stored code values unchanged
/// (no gamma conversion). Writing removes the `gAMA`/`cHRM` chunks libpng adds to 16-bit files.
enum PNGChunks {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// What IHDR says about an image.
    struct Header: Equatable {
        var width: Int, height: Int, bitDepth: Int, colorType: Int
    }

    /// One chunk: its four-letter type and the byte range of the whole chunk (length … CRC).
    struct Chunk {
        var type: String
        var range: Range<Int>
        var dataRange: Range<Int>
    }

    /// Splits `bytes` into chunks, checking the signature, the IHDR and the file's end.
    /// - Parameters:
    ///   - path: names the file in errors.
    ///   - maxSide: the largest accepted width or height.
    /// - Throws: `TensorError.format` naming the problem (not a PNG, truncated, zero-sized, too large).
    static func parse(_ bytes: [UInt8], path: String, maxSide: Int) throws -> (header: Header, chunks: [Chunk]) {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw TensorError.format(path: path, message: bytes.isEmpty
                ? "the file is empty, not a PNG image"
                : "not a PNG image (the file does not start with the PNG signature)")
        }
        var chunks: [Chunk] = []
        var pos = 8
        var sawEnd = false
        while pos < bytes.count {
            guard pos + 8 <= bytes.count else {
                throw TensorError.format(path: path, message: "truncated PNG: the file ends inside a chunk header at byte \(pos) of \(bytes.count)")
            }
            let length = Int(readUInt32(bytes, pos))
            let type = String(decoding: bytes[(pos + 4)..<(pos + 8)], as: UTF8.self)
            let end = pos + 12 + length
            guard length <= 0x7FFF_FFFF, end <= bytes.count else {
                throw TensorError.format(path: path, message: "truncated PNG: the file ends inside the '\(type)' chunk (\(bytes.count) bytes, the chunk needs \(end))")
            }
            chunks.append(Chunk(type: type, range: pos..<end, dataRange: (pos + 8)..<(pos + 8 + length)))
            pos = end
            if type == "IEND" { sawEnd = true; break }
        }
        guard let first = chunks.first, first.type == "IHDR", first.dataRange.count == 13 else {
            throw TensorError.format(path: path, message: "not a valid PNG image: the first chunk is not a 13-byte IHDR")
        }
        guard sawEnd else {
            throw TensorError.format(path: path, message: "truncated PNG: the file ends after \(bytes.count) bytes without the closing IEND chunk")
        }
        guard chunks.contains(where: { $0.type == "IDAT" }) else {
            throw TensorError.format(path: path, message: "not a valid PNG image: it has no image data (IDAT chunk)")
        }
        let d = first.dataRange.lowerBound
        let header = Header(width: Int(readUInt32(bytes, d)), height: Int(readUInt32(bytes, d + 4)),
                            bitDepth: Int(bytes[d + 8]), colorType: Int(bytes[d + 9]))
        guard header.width > 0, header.height > 0 else {
            throw TensorError.format(path: path, message: "zero-sized image (\(header.width)×\(header.height) pixels)")
        }
        guard header.width <= maxSide, header.height <= maxSide else {
            throw TensorError.format(path: path, message: "the image is \(header.width)×\(header.height) pixels, beyond the limit of \(maxSide) per side")
        }
        return (header, chunks)
    }

    /// `bytes` without the chunks whose types are in `dropping` (everything else kept verbatim).
    static func filtered(_ bytes: [UInt8], chunks: [Chunk], dropping: Set<String>) -> [UInt8] {
        var out = signature
        out.reserveCapacity(bytes.count)
        for c in chunks where !dropping.contains(c.type) { out.append(contentsOf: bytes[c.range]) }
        return out
    }

    /// Colour-space chunks: dropped on read so that code values come back unchanged.
    static let colorSpaceChunks: Set<String> = ["gAMA", "sRGB", "iCCP", "cHRM"]

    /// A complete chunk (length, type, data, CRC) as bytes.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendUInt32(&out, UInt32(data.count))
        let body = Array(type.utf8) + data
        out += body
        appendUInt32(&out, crc32(body))
        return out
    }

    static func readUInt32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func appendUInt32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    /// The CRC-32 (ISO 3309, as PNG uses it) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
