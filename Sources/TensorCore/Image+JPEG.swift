extension Image {
    /// The JPEG quality used when none is given (IJG scale 1...100).
    public static let defaultJPEGQuality = 92

    /// Decodes JPEG bytes into `[C, H, W]` in [0, 1] (code value / 255), turned upright by the EXIF
    /// orientation tag when the file has one.
    ///
    /// C = 1 for grayscale files and 3 otherwise. Baseline and progressive 8-bit files are read;
    /// the decode (accurate DCT, smooth chroma upsampling) matches Pillow's to within one code value.
    static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> Tensor {
        let header = try JPEGHeader.parse(bytes, path: path, maxSide: maxSide)
        let d = try JPEGCodec.decode(bytes, maxSide: maxSide, path: path)
        let m = header.orientation.layout(storedWidth: d.width, storedHeight: d.height)
        let c = d.channels, plane = m.width * m.height
        var out = [Float](repeating: 0, count: c * plane)
        let scale: Float = 1 / 255
        d.samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<m.height {
                    var src = m.origin &+ r &* m.rowStep
                    let row = r &* m.width
                    for col in 0..<m.width {
                        let si = src &* c
                        for k in 0..<c { o[k &* plane &+ row &+ col] = Float(s[si &+ k]) * scale }
                        src = src &+ m.colStep
                    }
                }
            }
        }
        return Tensor(shape: [c, m.height, m.width], scalars: out)
    }

    /// Checks a JPEG quality and bit depth before encoding.
    /// - Throws: `TensorError.invalid` naming `path` for a quality outside 1...100 or 16 bits.
    static func checkJPEG(quality: Int, bitDepth: BitDepth, path: String) throws {
        guard (1...100).contains(quality) else {
            throw TensorError.invalid("\(path): JPEG quality must be in 1...100, got \(quality)")
        }
        guard bitDepth == .eight else {
            throw TensorError.invalid("\(path): JPEG files hold 8 bits per sample; use .png for 16 bits")
        }
    }
}
