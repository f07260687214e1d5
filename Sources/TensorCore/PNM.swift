/// Binary PGM (P5, gray) and PPM (P6, RGB) files with maxval up to 65535 (two big-endian bytes
/// per sample above 255), as in the Netpbm specification.
enum PNM {
    /// Decodes a P5/P6 file into `[C, H, W]` in [0, 1] (samples above maxval read as 1).
    /// - Throws: `TensorError.format` naming the file and the problem.
    static func decode(_ bytes: [UInt8], path: String, maxSide: Int) throws -> Tensor {
        func bad(_ m: String) -> TensorError { .format(path: path, message: m) }
        let channels = bytes[1] == UInt8(ascii: "6") ? 3 : 1
        let kind = channels == 3 ? "PPM" : "PGM"
        var pos = 2
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
        /// The next decimal header field, skipping white space and `#` comments.
        func field(_ name: String) throws -> Int {
            while pos < bytes.count {
                if isSpace(bytes[pos]) { pos += 1 } else if bytes[pos] == UInt8(ascii: "#") {
                    while pos < bytes.count && bytes[pos] != 0x0A && bytes[pos] != 0x0D { pos += 1 }
                } else { break }
            }
            var value = 0, digits = 0
            while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[pos] - UInt8(ascii: "0"))
                digits += 1
                pos += 1
                guard digits <= 9 else { throw bad("\(kind) header: the \(name) has too many digits") }
            }
            guard digits > 0 else {
                throw bad(pos >= bytes.count ? "truncated \(kind): the header ends before the \(name)" : "\(kind) header: expected the \(name) as a decimal number")
            }
            return value
        }
        let width = try field("width"), height = try field("height"), maxValue = try field("maxval")
        guard pos < bytes.count, isSpace(bytes[pos]) else { throw bad("truncated \(kind): no pixel data after the header") }
        pos += 1
        guard width > 0, height > 0 else { throw bad("zero-sized image (\(width)×\(height) pixels)") }
        guard width <= maxSide, height <= maxSide else {
            throw bad("the image is \(width)×\(height) pixels, beyond the limit of \(maxSide) per side")
        }
        guard maxValue >= 1, maxValue <= 65535 else { throw bad("\(kind) maxval \(maxValue) is outside 1...65535") }
        let wide = maxValue > 255
        let plane = width * height
        let needed = plane * channels * (wide ? 2 : 1)
        guard bytes.count - pos >= needed else {
            throw bad("truncated \(kind): \(width)×\(height) needs \(needed) bytes of pixel data, the file has \(bytes.count - pos)")
        }
        var out = [Float](repeating: 0, count: channels * plane)
        let scale = 1 / Float(maxValue)
        bytes.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                for p in 0..<plane {
                    for k in 0..<channels {
                        let i = p &* channels &+ k
                        let v = wide ? Int(b[pos &+ 2 &* i]) << 8 | Int(b[pos &+ 2 &* i &+ 1]) : Int(b[pos &+ i])
                        o[k &* plane &+ p] = Swift.min(Float(v) * scale, 1)
                    }
                }
            }
        }
        return Tensor(shape: [channels, height, width], scalars: out)
    }

    /// Encodes interleaved code values as P5 (1 channel) or P6 (3 channels).
    static func encode(_ samples: [UInt16], width: Int, height: Int, channels: Int, maxValue: Int) -> [UInt8] {
        var out = Array("P\(channels == 3 ? 6 : 5)\n\(width) \(height)\n\(maxValue)\n".utf8)
        if maxValue > 255 {
            out.reserveCapacity(out.count + 2 * samples.count)
            for v in samples { out.append(UInt8(v >> 8)); out.append(UInt8(truncatingIfNeeded: v)) }
        } else {
            out.append(contentsOf: samples.map { UInt8(truncatingIfNeeded: $0) })
        }
        return out
    }
}
