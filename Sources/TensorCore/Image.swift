import Foundation

/// Image files: PNG (8- and 16-bit; gray, gray+alpha, RGB, RGBA), JPEG (8-bit gray or colour,
/// baseline or progressive) and binary PPM/PGM (P6/P5).
///
/// Images are `[C, H, W]` tensors with C = 1 (gray) or 3 (RGB) and values in [0, 1]: code value
/// divided by the largest code value (255, 65535 or the PNM maxval). Alpha is dropped; colour
/// chunks (gamma, ICC profile) are ignored, so the stored code values come back unchanged.
/// JPEGs are decoded with libjpeg-turbo's accurate DCT and smooth chroma upsampling (the same
/// samples as Pillow, to within one code value) and turned upright by their EXIF orientation.
///
/// ```swift
/// let x = try Image.load(path: "Stdlib/images/coffee.png")      // [3, 256, 256]
/// try Image.save(x, to: "out.png", bitDepth: .sixteen)
/// try Image.save(x, to: "out.jpg", quality: 95)                 // 4:2:0 baseline JPEG
/// ```
public enum Image {
    /// Bits per sample of a written file.
    public enum BitDepth: Int, Sendable, CaseIterable {
        case eight = 8
        case sixteen = 16

        /// The largest code value.
        public var maxValue: Int { self == .eight ? 255 : 65535 }
    }

    /// The file formats, chosen by the file name's extension on write and by content on read.
    public enum FileFormat: Sendable, Equatable {
        case png
        /// Binary PGM (P5) or PPM (P6); `channels` forces gray (1) or RGB (3), `nil` keeps the image's.
        case pnm(channels: Int?)
        /// Baseline JPEG with `quality` in 1...100: 4:2:0 chroma subsampling for colour, gray as gray.
        case jpeg(quality: Int)

        /// The format for a file name's extension (`.png`, `.jpg`/`.jpeg` with quality
        /// `Image.defaultJPEGQuality`, `.ppm`, `.pgm`, `.pnm`), case-insensitive.
        /// - Throws: `TensorError.invalid` for any other extension.
        public init(path: String) throws {
            switch (path as NSString).pathExtension.lowercased() {
            case "png": self = .png
            case "jpg", "jpeg": self = .jpeg(quality: Image.defaultJPEGQuality)
            case "ppm": self = .pnm(channels: 3)
            case "pgm": self = .pnm(channels: 1)
            case "pnm": self = .pnm(channels: nil)
            case let ext:
                throw TensorError.invalid("\(path): unsupported image file type '\(ext.isEmpty ? "(no extension)" : "." + ext)'; use .png, .jpg, .ppm or .pgm")
            }
        }
    }

    /// The largest accepted width or height, in pixels.
    public static let maxSide = 16384

    /// Reads a PNG, JPEG, PPM or PGM file as a `[C, H, W]` tensor in [0, 1].
    /// - Parameters:
    ///   - path: the file; its content decides the format.
    ///   - gray: return one channel (the mean of R, G and B for colour files).
    /// - Throws: `TensorError.io` (missing or unreadable file) or `TensorError.format` (not an image,
    ///   truncated, zero-sized, larger than `maxSide` per side), each naming the file.
    public static func load(path: String, gray: Bool = false) throws -> Tensor {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TensorError.io(path: path, message: "no such file")
        }
        guard !isDir.boolValue else { throw TensorError.io(path: path, message: "this is a folder, not an image file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError.io(path: path, message: "cannot read the file (permission denied?)")
        }
        let image = try decode([UInt8](data), path: path)
        return gray ? grayscale(image) : image
    }

    /// Decodes the bytes of a PNG, JPEG, PPM or PGM file (`path` only names it in errors).
    ///
    /// The content decides the format: `P5`/`P6` is PNM, `FF D8` (the JPEG SOI marker) is JPEG and the
    /// PNG signature is PNG.
    public static func decode(_ bytes: [UInt8], path: String = "<data>") throws -> Tensor {
        guard !bytes.isEmpty else { throw TensorError.format(path: path, message: "the file is empty, not an image") }
        if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 {
            return try decodeJPEG(bytes, path: path)
        }
        if bytes.count >= 2 && bytes[0] == UInt8(ascii: "P") && (bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "6")) {
            return try PNM.decode(bytes, path: path, maxSide: maxSide)
        }
        if bytes.count >= 2 && bytes[0] == UInt8(ascii: "P") && (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(bytes[1]) {
            throw TensorError.format(path: path, message: "plain (ASCII) or bitmap PNM files (P1–P4) are not supported; use binary P5/P6")
        }
        guard bytes.starts(with: PNGChunks.signature) else {
            throw TensorError.format(path: path, message: "not a PNG, JPEG, PPM or PGM image (the file starts with none of their signatures)")
        }
        return try decodePNG(bytes, path: path)
    }

    /// Decodes PNG bytes into `[C, H, W]`.
    static func decodePNG(_ bytes: [UInt8], path: String) throws -> Tensor {
        let (header, chunks) = try PNGChunks.parse(bytes, path: path, maxSide: maxSide)
        let clean = PNGChunks.filtered(bytes, chunks: chunks, dropping: PNGChunks.colorSpaceChunks)
        let d = try PNGCodec.decode(clean, sixteenBit: header.bitDepth == 16, path: path)
        let c = d.hasAlpha ? d.channels - 1 : d.channels
        let plane = d.width * d.height
        var out = [Float](repeating: 0, count: c * plane)
        let scale = 1 / Float(d.maxValue)
        let maxValue = Float(d.maxValue)
        d.samples.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for p in 0..<plane {
                    let base = p &* d.channels
                    // 16-bit colour samples with alpha arrive premultiplied: divide the alpha out.
                    let a = d.hasAlpha && d.maxValue == 65535 ? Float(s[base &+ c]) : maxValue
                    for k in 0..<c {
                        var v = Float(s[base &+ k])
                        if a != maxValue { v = a > 0 ? Swift.min((v * maxValue / a).rounded(), maxValue) : 0 }
                        o[k &* plane &+ p] = v * scale
                    }
                }
            }
        }
        return Tensor(shape: [c, d.height, d.width], scalars: out)
    }

    /// Writes `image` to `path` atomically, as PNG, JPEG or PPM/PGM by the extension.
    /// - Parameters:
    ///   - image: `[C, H, W]` (or `[H, W]`, or `[1, C, H, W]`) with C = 1 or 3; values are clamped
    ///     to [0, 1] (NaN becomes 0) and rounded to the nearest code value.
    ///   - bitDepth: 8 (default) or 16 bits per sample (not for JPEG).
    ///   - quality: JPEG quality in 1...100 (default `defaultJPEGQuality`); only for `.jpg`/`.jpeg`.
    /// - Throws: `TensorError.invalid` (unsupported shape or extension, a quality for a lossless
    ///   format or outside 1...100, 16-bit JPEG) or `TensorError.io` (missing folder, no permission),
    ///   naming the path. Nothing is written on failure.
    public static func save(_ image: Tensor, to path: String, bitDepth: BitDepth = .eight, quality: Int? = nil) throws {
        var format = try FileFormat(path: path)
        if let quality {
            guard case .jpeg = format else {
                throw TensorError.invalid("\(path): a quality applies only to JPEG files (.jpg, .jpeg); PNG, PPM and PGM are lossless")
            }
            format = .jpeg(quality: quality)
        }
        let bytes = try encode(image, format: format, bitDepth: bitDepth, path: path)
        try AtomicFile.write(bytes, to: path)
    }

    /// The bytes of `image` in `format` (`path` only names it in errors).
    /// - Throws: `TensorError.invalid` for an unsupported shape, or for JPEG a quality outside
    ///   1...100 or 16 bits per sample.
    public static func encode(_ image: Tensor, format: FileFormat, bitDepth: BitDepth = .eight, path: String = "<data>") throws -> [UInt8] {
        if case let .jpeg(quality) = format { try checkJPEG(quality: quality, bitDepth: bitDepth, path: path) }
        var x = try checkedImage(image, path: path)
        if case let .pnm(channels?) = format, channels != x.shape[0] {
            x = channels == 1 ? grayscale(x) : Tensor.concatenated([x, x, x])
        }
        let (c, h, w) = x.imageGeometry
        let samples = interleavedCodes(x, maxValue: bitDepth.maxValue)
        switch format {
        case .png:
            let png = try PNGCodec.encode(samples, width: w, height: h, channels: c, sixteenBit: bitDepth == .sixteen, path: path)
            guard bitDepth == .sixteen else { return png }
            // libpng tags 16-bit output as linear light (gAMA 1.0 + cHRM); the data is not linear,
            // so drop both and let readers assume sRGB, as for the 8-bit files.
            let (_, chunks) = try PNGChunks.parse(png, path: path, maxSide: maxSide)
            return PNGChunks.filtered(png, chunks: chunks, dropping: ["gAMA", "cHRM"])
        case .pnm:
            return PNM.encode(samples, width: w, height: h, channels: c, maxValue: bitDepth.maxValue)
        case let .jpeg(quality):
            let codes = samples.map { UInt8(truncatingIfNeeded: $0) }
            return try JPEGCodec.encode(codes, width: w, height: h, channels: c, quality: quality, path: path)
        }
    }

    /// The one-channel version of an image `[C, H, W]` or batch `[N, C, H, W]`: the mean of its
    /// channels (returned unchanged when it already has one channel or is a bare `[H, W]` plane).
    public static func grayscale(_ image: Tensor) -> Tensor {
        guard image.rank >= 3 else { return image }
        let (c, h, w) = image.imageGeometry
        guard c > 1 else { return image }
        let plane = h * w, items = image.count / (c * plane)
        var out = [Float](repeating: 0, count: items * plane)
        let scale = 1 / Float(c)
        image.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for n in 0..<items {
                    let o = dst.baseAddress! + n * plane
                    for k in 0..<c {
                        let s = src.baseAddress! + (n * c + k) * plane
                        for p in 0..<plane { o[p] += s[p] }
                    }
                    for p in 0..<plane { o[p] *= scale }
                }
            }
        }
        var shape = image.shape
        shape[image.rank - 3] = 1
        return Tensor(shape: shape, scalars: out)
    }

    /// `image` as `[C, H, W]` with C = 1 or 3 and sides in 1...maxSide, or an error naming `path`.
    static func checkedImage(_ image: Tensor, path: String) throws -> Tensor {
        var x = image
        if x.rank == 2 { x = x.reshaped([1] + x.shape) }
        if x.rank == 4 && x.shape[0] == 1 { x = x.reshaped(Array(x.shape.dropFirst())) }
        guard x.rank == 3, x.shape[0] == 1 || x.shape[0] == 3 else {
            throw TensorError.invalid("\(path): cannot store a tensor of shape \(image.shape) as an image; expected [C, H, W] with C = 1 (gray) or 3 (RGB)")
        }
        guard x.shape[1] > 0, x.shape[2] > 0, x.shape[1] <= maxSide, x.shape[2] <= maxSide else {
            throw TensorError.invalid("\(path): an image must be 1 to \(maxSide) pixels per side, got \(x.shape[2])×\(x.shape[1])")
        }
        return x
    }

    /// Interleaved code values `round(clamp(x) · maxValue)` of a `[C, H, W]` image.
    static func interleavedCodes(_ x: Tensor, maxValue: Int) -> [UInt16] {
        let (c, h, w) = x.imageGeometry
        let plane = h * w
        let m = Float(maxValue)
        var out = [UInt16](repeating: 0, count: c * plane)
        x.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<c {
                    for p in 0..<plane {
                        let v = s[k &* plane &+ p]
                        let clamped = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1)
                        o[p &* c &+ k] = UInt16((clamped * m).rounded())
                    }
                }
            }
        }
        return out
    }
}
