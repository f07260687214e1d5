/// The one error type of `Networks`: bad configurations, checkpoints that do not fit the
/// configuration, unreadable files and inputs the network cannot take.
public enum NetworkError: Error, CustomStringConvertible, Equatable {
    /// The configuration is invalid or unsupported.
    case config(String)
    /// The checkpoint lacks a tensor the configuration needs.
    case missingTensor(key: String, expected: [Int], path: String)
    /// The checkpoint holds a tensor the configuration does not use.
    case unexpectedTensor(key: String, found: [Int], path: String)
    /// A tensor of the checkpoint has the wrong shape.
    case shapeMismatch(key: String, expected: [Int], found: [Int], path: String)
    /// The file cannot be read or is not a checkpoint of this kind.
    case file(path: String, message: String)
    /// The input cannot go through the network.
    case input(String)

    public var description: String {
        switch self {
        case let .config(m): return "invalid U-Net configuration: \(m)"
        case let .missingTensor(key, expected, path):
            return "\(path): missing tensor '\(key)' (expected shape \(expected)); the checkpoint does not match its configuration"
        case let .unexpectedTensor(key, found, path):
            return "\(path): unexpected tensor '\(key)' of shape \(found), which the configuration does not use (wrong config or a different architecture)"
        case let .shapeMismatch(key, expected, found, path):
            return "\(path): tensor '\(key)' has shape \(found), expected \(expected)"
        case let .file(path, message): return "\(path): \(message)"
        case let .input(m): return m
        }
    }
}
