import TensorCore

/// The one error type of `Diffusion`: prior files that cannot be read or do not fit, and
/// parameters out of range.
public enum PriorError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read or is not a safetensors file; `message` says why.
    case file(path: String, message: String)
    /// A tensor of a prior file is missing or has the wrong shape.
    case tensor(path: String, name: String, expected: String, found: String)
    /// A metadata entry is missing or has an unsupported value.
    case metadata(path: String, key: String, expected: String, found: String?)
    /// A parameter or tensor value is out of range (the text names it and what fits).
    case invalid(String)
    /// A numerical routine failed (for example a covariance that is not positive definite).
    case numerical(String)

    public var description: String {
        switch self {
        case let .file(path, message): return "\(path): \(message)"
        case let .tensor(path, name, expected, found):
            return "\(path): tensor '\(name)' should have shape \(expected), found \(found)"
        case let .metadata(path, key, expected, found):
            return "\(path): metadata '\(key)' should be \(expected), found " + (found.map { "'\($0)'" } ?? "nothing")
        case let .invalid(message): return message
        case let .numerical(message): return message
        }
    }
}

extension PriorError {
    /// The tensor `name` of a prior file, checked against `shape` (nil entries match any extent).
    static func require(_ file: SafeTensorsView, _ name: String, shape: [Int?]) throws -> Tensor {
        let expected = "[" + shape.map { $0.map(String.init) ?? "*" }.joined(separator: ", ") + "]"
        guard let t = file.tensors[name] else {
            throw PriorError.tensor(path: file.path, name: name, expected: expected, found: "no such tensor")
        }
        guard t.rank == shape.count, zip(shape, t.shape).allSatisfy({ $0 == nil || $0 == $1 }) else {
            throw PriorError.tensor(path: file.path, name: name, expected: expected, found: "\(t.shape)")
        }
        guard t.isFinite else { throw PriorError.invalid("\(file.path): tensor '\(name)' has non-finite values") }
        return t
    }
}
