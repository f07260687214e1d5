/// The one error type of `TensorCore`: file I/O, data formats and numerical failures.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read or written; `path` names it.
    case io(path: String, message: String)
    /// A file's content is not in the expected format.
    case format(path: String, message: String)
    /// A value is out of the supported range (for example an absurdly large image).
    case invalid(String)
    /// A numerical routine failed (singular matrix, no convergence, non-finite values).
    case numerical(String)

    public var description: String {
        switch self {
        case let .io(path, message): return "\(path): \(message)"
        case let .format(path, message): return "\(path): \(message)"
        case let .invalid(message): return message
        case let .numerical(message): return message
        }
    }
}
