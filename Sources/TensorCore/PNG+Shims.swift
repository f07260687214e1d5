import CPNG

/// The only file that calls libpng, through its simplified `png_image_*` API (libpng's
/// setjmp/longjmp error path cannot be used from Swift; the simplified API catches its own
/// errors and reports them in `png_image.message`).
enum PNGCodec {
    /// Decoded samples, interleaved per pixel (`channels` per pixel, alpha last when present).
    struct Decoded {
        var width: Int, height: Int
        var channels: Int
        var hasAlpha: Bool
        /// The largest code value: 255 for 8-bit files, 65535 for 16-bit files.
        var maxValue: Int
        /// Code values; for 16-bit files with alpha the colour samples are premultiplied by alpha.
        var samples: [UInt16]
    }

    /// Decodes a complete PNG stream held in memory.
    /// - Parameters:
    ///   - sixteenBit: read 16-bit samples (for 16-bit files); otherwise 8-bit.
    ///   - path: names the file in errors.
    static func decode(_ bytes: [UInt8], sixteenBit: Bool, path: String) throws -> Decoded {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure(&image, path: path, doing: "reading the PNG header") }
        let fileFormat = image.format
        let color = fileFormat & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = fileFormat & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        var format: UInt32 = 0
        if color { format |= UInt32(PNG_FORMAT_FLAG_COLOR) }
        if alpha { format |= UInt32(PNG_FORMAT_FLAG_ALPHA) }
        if sixteenBit { format |= UInt32(PNG_FORMAT_FLAG_LINEAR) }
        image.format = format
        let width = Int(image.width), height = Int(image.height)
        let channels = (color ? 3 : 1) + (alpha ? 1 : 0)
        let n = width * height * channels
        var samples: [UInt16]
        if sixteenBit {
            samples = [UInt16](repeating: 0, count: n)
            let ok = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw failure(&image, path: path, doing: "decoding the image data") }
        } else {
            var bytes8 = [UInt8](repeating: 0, count: n)
            let ok = bytes8.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw failure(&image, path: path, doing: "decoding the image data") }
            samples = bytes8.map { UInt16($0) }
        }
        return Decoded(width: width, height: height, channels: channels, hasAlpha: alpha,
                       maxValue: sixteenBit ? 65535 : 255, samples: samples)
    }

    /// Encodes interleaved gray (1 channel) or RGB (3 channels) samples as a PNG stream.
    /// - Parameters:
    ///   - samples: code values in `0...255` (8-bit) or `0...65535` (16-bit), row-major, interleaved.
    ///   - path: names the destination in errors.
    static func encode(_ samples: [UInt16], width: Int, height: Int, channels: Int, sixteenBit: Bool, path: String) throws -> [UInt8] {
        precondition(channels == 1 || channels == 3)
        precondition(samples.count == width * height * channels)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = (channels == 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (sixteenBit ? UInt32(PNG_FORMAT_FLAG_LINEAR) : 0)
        defer { png_image_free(&image) }
        let raw = samples.count * (sixteenBit ? 2 : 1)
        var capacity = raw + raw / 8 + height * 8 + 4096
        let bytes8: [UInt8] = sixteenBit ? [] : samples.map { UInt8(truncatingIfNeeded: $0) }
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var size = png_alloc_size_t(capacity)
            let ok: Int32 = out.withUnsafeMutableBytes { dst in
                if sixteenBit {
                    return samples.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
                }
                return bytes8.withUnsafeBytes { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
            }
            if ok != 0 { return Array(out[0..<Int(size)]) }
            guard Int(size) > capacity else { throw failure(&image, path: path, doing: "encoding the image") }
            capacity = Int(size)
        }
        throw TensorError.io(path: path, message: "PNG encoding needed more memory than announced")
    }

    /// The error libpng reported, as a `TensorError` naming the file.
    private static func failure(_ image: inout png_image, path: String, doing what: String) -> TensorError {
        let message = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return .format(path: path, message: "libpng failed \(what): \(message.isEmpty ? "unknown error" : message)")
    }
}
