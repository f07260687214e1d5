/// The EXIF orientation tag (0x0112 in IFD0): how the stored pixels must be turned to display the
/// image upright. Raw values 1–8 as in the EXIF/TIFF specification; case names describe where the
/// stored image's top row ends up, as Apple's `CGImagePropertyOrientation` does.
enum ExifOrientation: Int, CaseIterable, Sendable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left–right.
    case upMirrored = 2
    /// 3: rotated by 180°.
    case down = 3
    /// 4: mirrored top–bottom.
    case downMirrored = 4
    /// 5: transposed (mirrored about the main diagonal).
    case leftMirrored = 5
    /// 6: displayed after turning the stored image 90° clockwise.
    case right = 6
    /// 7: transversed (mirrored about the anti-diagonal).
    case rightMirrored = 7
    /// 8: displayed after turning the stored image 90° counter-clockwise.
    case left = 8

    /// The bytes that open an APP1 segment holding EXIF data.
    static let app1Prefix: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// The orientation stored in a TIFF structure (the APP1 payload after "Exif\0\0"), or `nil` when
    /// the structure is malformed, the tag is missing or its value is not 1–8.
    ///
    /// Reads the byte order ("II" or "MM"), the magic number 42, the IFD0 offset and IFD0's entries;
    /// every offset is checked against the data before it is read. The tag must be a SHORT or LONG
    /// with count ≥ 1, its value stored in the entry itself.
    init?(tiff: ArraySlice<UInt8>) {
        let t = Array(tiff)
        guard t.count >= 8 else { return nil }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ i: Int) -> Int {
            little ? Int(t[i]) | Int(t[i + 1]) << 8 : Int(t[i]) << 8 | Int(t[i + 1])
        }
        func u32(_ i: Int) -> Int { little ? u16(i) | u16(i + 2) << 16 : u16(i) << 16 | u16(i + 2) }
        guard u16(2) == 42 else { return nil }
        let ifd = u32(4)
        guard ifd >= 8, ifd <= t.count - 2 else { return nil }
        let entries = u16(ifd)
        for e in 0..<entries {
            let at = ifd + 2 + 12 * e
            guard at <= t.count - 12 else { return nil }
            guard u16(at) == 0x0112 else { continue }
            let type = u16(at + 2), count = u32(at + 4)
            guard count >= 1 else { return nil }
            switch type {
            case 3: self.init(rawValue: u16(at + 8))
            case 4: self.init(rawValue: u32(at + 8))
            default: return nil
            }
            return
        }
        return nil
    }

    /// Where each displayed pixel comes from: the displayed image is `width × height`, and displayed
    /// pixel (r, c) is stored pixel `origin + r·rowStep + c·colStep` (row-major index in the stored
    /// `storedWidth × storedHeight` image).
    struct Layout: Equatable {
        var width: Int, height: Int
        var origin: Int, rowStep: Int, colStep: Int
    }

    /// The layout that turns a stored `storedWidth × storedHeight` image upright.
    func layout(storedWidth w: Int, storedHeight h: Int) -> Layout {
        let last = (h - 1) * w          // first pixel of the bottom row
        switch self {
        case .up:            return Layout(width: w, height: h, origin: 0, rowStep: w, colStep: 1)
        case .upMirrored:    return Layout(width: w, height: h, origin: w - 1, rowStep: w, colStep: -1)
        case .down:          return Layout(width: w, height: h, origin: last + w - 1, rowStep: -w, colStep: -1)
        case .downMirrored:  return Layout(width: w, height: h, origin: last, rowStep: -w, colStep: 1)
        case .leftMirrored:  return Layout(width: h, height: w, origin: 0, rowStep: 1, colStep: w)
        case .right:         return Layout(width: h, height: w, origin: last, rowStep: 1, colStep: -w)
        case .rightMirrored: return Layout(width: h, height: w, origin: last + w - 1, rowStep: -1, colStep: -w)
        case .left:          return Layout(width: h, height: w, origin: w - 1, rowStep: -1, colStep: w)
        }
    }
}
