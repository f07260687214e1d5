import Foundation
import TensorCore

/// Statements that load an evaluation or tuning image at a fixed size.
public enum EvaluationImage {
    /// `load` and `crop` statements giving the `side`×`side` centre of the image area-resized so
    /// that its shorter side is `side` (the whole picture, as a photo is viewed).
    public static func centred(path: String, side: Int) throws -> String {
        let (w, h) = try dimensions(path)
        let (rw, rh) = cover(width: w, height: h, shorter: side)
        return "load \(quoted(path)) size=\(rw)x\(rh)\ncrop \(side)"
    }

    /// `load` and `crop` statements giving a `side`×`side` crop at a seeded position of the image
    /// area-resized so that its shorter side is `scale`.
    public static func crop(path: String, side: Int, scale: Int, using rng: inout SeededGenerator) throws -> String {
        let (w, h) = try dimensions(path)
        let (rw, rh) = cover(width: w, height: h, shorter: max(scale, side))
        let left = Int(rng.next() % UInt64(rw - side + 1)), top = Int(rng.next() % UInt64(rh - side + 1))
        return "load \(quoted(path)) size=\(rw)x\(rh)\ncrop \(side) at=\(left),\(top)"
    }

    /// Width and height of an image file.
    static func dimensions(_ path: String) throws -> (Int, Int) {
        let image = try Image.load(path: path)
        return (image.shape[2], image.shape[1])
    }

    /// The size with the shorter side `shorter` and the aspect ratio of width × height.
    static func cover(width: Int, height: Int, shorter: Int) -> (Int, Int) {
        if width <= height { return (shorter, max(shorter, Int((Double(height) * Double(shorter) / Double(width)).rounded()))) }
        return (max(shorter, Int((Double(width) * Double(shorter) / Double(height)).rounded())), shorter)
    }

    /// `s` as a string literal of the language.
    public static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
}
