/// The marker segments of a JPEG file up to its first scan (ITU-T T.81 Annex B), read in Swift with
/// every length checked against the file size, so that bad headers fail with a clear message naming
/// the file before libjpeg-turbo or any pixel buffer is involved.
struct JPEGHeader {
    var width: Int, height: Int
    /// Colour components in the frame (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK).
    var components: Int
    /// The EXIF orientation of the first APP1 "Exif" segment; `.up` when absent or malformed.
    var orientation: ExifOrientation

    /// Reads the segments from SOI to the first SOS.
    /// - Throws: `TensorError.format` naming the file: not a JPEG, truncated header, no frame header,
    ///   zero-sized, larger than `maxSide` per side, not 8-bit, CMYK or an unusual component count.
    static func parse(_ bytes: [UInt8], path: String, maxSide: Int) throws -> JPEGHeader {
        func bad(_ m: String) -> TensorError { .format(path: path, message: m) }
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw bad("not a JPEG image (the file does not start with the SOI marker FF D8)")
        }
        var frame: (width: Int, height: Int, components: Int)?
        var orientation: ExifOrientation?
        var pos = 2
        while true {
            guard pos < bytes.count else { throw bad("truncated JPEG: the file ends before the image data") }
            guard bytes[pos] == 0xFF else {
                throw bad("not a valid JPEG: expected a marker at byte \(pos), found 0x\(hex(bytes[pos]))")
            }
            while pos < bytes.count && bytes[pos] == 0xFF { pos += 1 }   // fill bytes before a marker
            guard pos < bytes.count else { throw bad("truncated JPEG: the file ends before the image data") }
            let marker = bytes[pos]
            pos += 1
            switch marker {
            case 0x01, 0xD0...0xD7: continue                            // standalone markers
            case 0xD8: throw bad("not a valid JPEG: a second SOI marker at byte \(pos - 2)")
            case 0xD9: throw bad("not a valid JPEG: the end marker comes before any image data")
            case 0x00: throw bad("not a valid JPEG: a stray 0xFF byte at byte \(pos - 2)")
            default: break
            }
            guard pos + 2 <= bytes.count else { throw bad("truncated JPEG: the file ends inside a marker segment") }
            let length = Int(bytes[pos]) << 8 | Int(bytes[pos + 1])
            guard length >= 2 else { throw bad("not a valid JPEG: marker 0xFF\(hex(marker)) has length \(length)") }
            guard pos + length <= bytes.count else {
                throw bad("truncated JPEG: marker segment 0xFF\(hex(marker)) needs \(length) bytes, the file has \(bytes.count - pos) left")
            }
            let body = bytes[(pos + 2)..<(pos + length)]
            pos += length
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:   // SOFn
                guard frame == nil else { throw bad("not a valid JPEG: two frame headers (SOF markers)") }
                guard body.count >= 6 else { throw bad("not a valid JPEG: the frame header is too short") }
                let b = body.startIndex
                let precision = Int(body[b])
                let height = Int(body[b + 1]) << 8 | Int(body[b + 2])
                let width = Int(body[b + 3]) << 8 | Int(body[b + 4])
                let components = Int(body[b + 5])
                guard precision == 8 else { throw bad("\(precision)-bit JPEGs are not supported; only 8 bits per sample") }
                guard width > 0, height > 0 else { throw bad("zero-sized image (\(width)×\(height) pixels)") }
                guard width <= maxSide, height <= maxSide else {
                    throw bad("the image is \(width)×\(height) pixels, beyond the limit of \(maxSide) per side")
                }
                guard components != 4 else {
                    throw bad("CMYK/YCCK JPEGs are not supported; convert the file to RGB first")
                }
                guard components == 1 || components == 3 else {
                    throw bad("JPEGs with \(components) colour components are not supported; expected 1 (gray) or 3 (colour)")
                }
                frame = (width, height, components)
            case 0xE1 where orientation == nil && body.starts(with: ExifOrientation.app1Prefix):
                orientation = ExifOrientation(tiff: body.dropFirst(ExifOrientation.app1Prefix.count)) ?? .up
            case 0xDA:                                                    // SOS: the image data begins
                guard let frame else { throw bad("not a valid JPEG: image data before the frame header (SOF)") }
                return JPEGHeader(width: frame.width, height: frame.height, components: frame.components,
                                  orientation: orientation ?? .up)
            default: continue
            }
        }
    }

    private static func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
}
