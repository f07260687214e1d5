import CTurboJPEG

/// The only file that calls libjpeg-turbo, through its TurboJPEG API (which catches libjpeg's
/// errors itself and reports them through `tjGetErrorStr2`/`tjGetErrorCode`).
///
/// Every call creates its own `tjhandle` and destroys it before returning, so the codec is safe to
/// use from several threads at once.
enum JPEGCodec {
    /// Decoded 8-bit samples, interleaved per pixel, in the file's stored orientation.
    struct Decoded {
        var width: Int, height: Int
        /// 1 for grayscale files, 3 (RGB) otherwise.
        var channels: Int
        var samples: [UInt8]
    }

    /// Decodes a complete baseline or progressive JPEG stream held in memory.
    ///
    /// Uses the accurate integer DCT and libjpeg's default ("fancy") chroma upsampling, as Pillow
    /// does, so the samples agree with Pillow's decode of the same file.
    ///
    /// Warnings count as failures: libjpeg warns (and fills in gray) when the entropy-coded data
    /// ends early or is damaged, and an image with invented pixels must not pass as the file's
    /// content. Such files fail with "truncated or corrupt JPEG data".
    /// - Parameters:
    ///   - maxSide: the largest accepted width or height, checked before any pixel buffer exists.
    ///   - path: names the file in errors.
    static func decode(_ bytes: [UInt8], maxSide: Int, path: String) throws -> Decoded {
        guard let handle = tjInitDecompress() else {
            throw TensorError.format(path: path, message: "cannot start the JPEG decoder (out of memory?)")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else { throw failure(handle, path: path, doing: "reading the JPEG header") }
        guard width > 0, height > 0 else {
            throw TensorError.format(path: path, message: "zero-sized image (\(width)×\(height) pixels)")
        }
        guard width <= maxSide, height <= maxSide else {
            throw TensorError.format(path: path, message: "the image is \(width)×\(height) pixels, beyond the limit of \(maxSide) per side")
        }
        let channels: Int, pixelFormat: TJPF
        switch colorspace {
        case Int32(TJCS_GRAY.rawValue): (channels, pixelFormat) = (1, TJPF_GRAY)
        case Int32(TJCS_YCbCr.rawValue), Int32(TJCS_RGB.rawValue): (channels, pixelFormat) = (3, TJPF_RGB)
        default:
            throw TensorError.format(path: path, message: "CMYK/YCCK JPEGs are not supported; convert the file to RGB first")
        }
        let w = Int(width), h = Int(height)
        var samples = [UInt8](repeating: 0, count: w * h * channels)
        let flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS
        let status = samples.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, 0, height,
                              Int32(pixelFormat.rawValue), flags)
            }
        }
        guard status == 0 else {
            if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
                throw TensorError.format(path: path, message: "truncated or corrupt JPEG data: \(errorText(handle))")
            }
            throw failure(handle, path: path, doing: "decoding the image data")
        }
        return Decoded(width: w, height: h, channels: channels, samples: samples)
    }

    /// Encodes interleaved gray (1 channel) or RGB (3 channels) 8-bit samples as a baseline JPEG
    /// (JFIF), with 4:2:0 chroma subsampling for colour and the accurate integer DCT.
    /// - Parameters:
    ///   - quality: 1...100 (the IJG quality scale).
    ///   - path: names the destination in errors.
    static func encode(_ samples: [UInt8], width: Int, height: Int, channels: Int, quality: Int, path: String) throws -> [UInt8] {
        precondition(channels == 1 || channels == 3)
        precondition(samples.count == width * height * channels)
        precondition((1...100).contains(quality))
        guard let handle = tjInitCompress() else {
            throw TensorError.format(path: path, message: "cannot start the JPEG encoder (out of memory?)")
        }
        defer { tjDestroy(handle) }
        let pixelFormat = channels == 3 ? TJPF_RGB : TJPF_GRAY
        let subsampling = channels == 3 ? TJSAMP_420 : TJSAMP_GRAY
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let buffer { tjFree(buffer) } }
        let status = samples.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(width), 0, Int32(height), Int32(pixelFormat.rawValue),
                        &buffer, &size, Int32(subsampling.rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        guard status == 0, let buffer else { throw failure(handle, path: path, doing: "encoding the image") }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// The message TurboJPEG holds for the last call on `handle`.
    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        let message = String(cString: text)
        return message.isEmpty ? "unknown error" : message
    }

    /// The error TurboJPEG reported, as a `TensorError` naming the file.
    private static func failure(_ handle: tjhandle, path: String, doing what: String) -> TensorError {
        .format(path: path, message: "libjpeg-turbo failed \(what): \(errorText(handle))")
    }
}
