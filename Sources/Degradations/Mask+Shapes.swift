import TensorCore

/// The sides of an image a half-image mask can hide.
public enum ImageSide: String, Sendable, CaseIterable {
    case left, right, top, bottom
}

extension Mask {
    /// Hides a `height × width` box whose top-left corner is at (`left`, `top`) (column, row).
    /// Defaults: half the image's side, centred.
    /// - Throws: `OperatorError.invalidParameter` when the box is empty or leaves the image.
    public static func box(shape: [Int], height: Int? = nil, width: Int? = nil, left: Int? = nil, top: Int? = nil) throws -> Mask {
        let (_, h, w) = try Validate.image(shape, for: "mask box")
        let bh = height ?? h / 2, bw = width ?? w / 2
        guard bh >= 1 && bh <= h else {
            throw OperatorError.invalidParameter(parameter: "height", value: "\(bh)", fits: "use 1...\(h) (the image is \(w)x\(h))")
        }
        guard bw >= 1 && bw <= w else {
            throw OperatorError.invalidParameter(parameter: "width", value: "\(bw)", fits: "use 1...\(w) (the image is \(w)x\(h))")
        }
        let x0 = left ?? (w - bw) / 2, y0 = top ?? (h - bh) / 2
        guard x0 >= 0 && x0 + bw <= w else {
            throw OperatorError.invalidParameter(parameter: "at", value: "\(x0),\(y0)",
                fits: "a \(bw)x\(bh) box fits at columns 0...\(w - bw) of a \(w)x\(h) image")
        }
        guard y0 >= 0 && y0 + bh <= h else {
            throw OperatorError.invalidParameter(parameter: "at", value: "\(x0),\(y0)",
                fits: "a \(bw)x\(bh) box fits at rows 0...\(h - bh) of a \(w)x\(h) image")
        }
        var m = Tensor.ones([h, w])
        for i in y0..<(y0 + bh) { for j in x0..<(x0 + bw) { m.scalars[i * w + j] = 0 } }
        return try Mask(shape: shape, observed: m, name: "mask box \(bw) \(bh) at=\(x0),\(y0)")
    }

    /// Hides a random `fraction` of the pixels (exactly `round(fraction·H·W)`), all channels of
    /// a pixel together.
    /// - Throws: `OperatorError.invalidParameter` for a fraction outside [0, 1].
    public static func random(shape: [Int], fraction: Double, using rng: inout some RandomNumberGenerator) throws -> Mask {
        let (_, h, w) = try Validate.image(shape, for: "mask random")
        try Validate.range(fraction, "fraction", 0, 1, "the hidden fraction must lie in [0, 1], for example 0.7")
        let hidden = Int((fraction * Double(h * w)).rounded())
        var m = Tensor.ones([h, w])
        for i in Random.permutation(h * w, using: &rng).prefix(hidden) { m.scalars[i] = 0 }
        return try Mask(shape: shape, observed: m, name: "mask random \(fraction)")
    }

    /// Hides one half of the image (for an odd size the smaller half, `⌊n/2⌋` rows or columns).
    public static func half(shape: [Int], side: ImageSide) throws -> Mask {
        let (_, h, w) = try Validate.image(shape, for: "mask half")
        var m = Tensor.ones([h, w])
        for i in 0..<h {
            for j in 0..<w {
                let hide: Bool
                switch side {
                case .left: hide = j < w / 2
                case .right: hide = j >= w - w / 2
                case .top: hide = i < h / 2
                case .bottom: hide = i >= h - h / 2
                }
                if hide { m.scalars[i * w + j] = 0 }
            }
        }
        return try Mask(shape: shape, observed: m, name: "mask half \(side.rawValue)")
    }
}
