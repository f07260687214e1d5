/// The one error type of `Denoisers`: weight files and unsupported inputs.
public enum DenoiserError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case file(path: String, message: String)
    /// The file is not in the expected layout.
    case format(path: String, message: String)
    /// A configuration value is out of range.
    case invalid(String)

    public var description: String {
        switch self {
        case let .file(path, message): return "\(path): \(message)"
        case let .format(path, message): return "\(path): \(message)"
        case let .invalid(message): return message
        }
    }
}
