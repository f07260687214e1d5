/// The one error type of the Degradations module: an operator that does not fit the data, or a
/// request an operator cannot serve. The text names the bad value and what would fit.
public enum OperatorError: Error, CustomStringConvertible, Equatable {
    /// A parameter value that cannot be used: `parameter` is its name as the user types it,
    /// `value` what was given, `fits` what would work.
    case invalidParameter(parameter: String, value: String, fits: String)
    /// An input (image, mask file, matrix) whose shape does not fit the operator.
    case shapeMismatch(what: String, got: [Int], expected: String)
    /// DDRM (or another SVD-based method) asked of an operator without an exact SVD.
    case noSVD(name: String)
    /// A numerical failure while preparing the operator (for example an SVD that did not converge).
    case numerical(String)
    /// A data file (for example a blur kernel) that cannot be read or used: `message` says why
    /// and what would fit.
    case file(path: String, message: String)

    public var description: String {
        switch self {
        case let .invalidParameter(parameter, value, fits):
            return "\(parameter)=\(value) does not fit: \(fits)"
        case let .shapeMismatch(what, got, expected):
            return "\(what) has shape \(OperatorError.format(got)), expected \(expected)"
        case let .noSVD(name):
            return "the operator '\(name)' has no exact singular value decomposition; DDRM needs one "
                + "(masks, downsample, colorize, separable blurs, sense and matrix have one; motion blur, "
                + "phase, hdr and most chains do not): use reddiff, dps or pgdm instead"
        case let .numerical(message):
            return message
        case let .file(path, message):
            return "\(path): \(message)"
        }
    }

    /// Formats a shape as `3x256x256`.
    static func format(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }
}

/// Shared validation helpers for operator constructors.
enum Validate {
    /// The image geometry `(C, H, W)` of a `[C, H, W]` shape, or a thrown error.
    static func image(_ shape: [Int], for op: String) throws -> (c: Int, h: Int, w: Int) {
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
            throw OperatorError.shapeMismatch(what: "the input of '\(op)'", got: shape, expected: "an image [C, H, W]")
        }
        return (shape[0], shape[1], shape[2])
    }

    /// Checks `lo ≤ value ≤ hi` (and finiteness).
    static func range(_ value: Double, _ name: String, _ lo: Double, _ hi: Double, _ fits: String? = nil) throws {
        guard value.isFinite, value >= lo, value <= hi else {
            throw OperatorError.invalidParameter(parameter: name, value: "\(value)", fits: fits ?? "use a value in [\(lo), \(hi)]")
        }
    }
}
