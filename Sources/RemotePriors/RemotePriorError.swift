/// The one error type of `RemotePriors`: a prior server that cannot be reached, is not ready,
/// answers with an HTTP error, or answers something that does not fit the protocol.
public enum RemotePriorError: Error, CustomStringConvertible, Equatable {
    /// The URL is not an `http(s)://HOST:PORT/v2/models/NAME` model URL; `message` says why.
    case invalidURL(String, message: String)
    /// No answer from `url` after every attempt (connection refused, reset, timed out, …).
    case unreachable(url: String, attempts: Int, cause: String)
    /// The server answered `url` with HTTP `status`; `body` is the start of its answer.
    case http(url: String, status: Int, body: String)
    /// The model or server answered that it is not ready.
    case notReady(url: String)
    /// The answer of `url` does not follow the Open Inference Protocol or the prior convention
    /// (`Docs/remote-priors.md`); `message` names what is wrong.
    case malformed(url: String, message: String)
    /// The model metadata `key` is missing or has an unsupported value.
    case metadata(url: String, key: String, expected: String, found: String?)

    public var description: String {
        switch self {
        case let .invalidURL(url, message): return "'\(url)' is not a model URL: \(message) (expected http://HOST:PORT/v2/models/NAME)"
        case let .unreachable(url, attempts, cause):
            return "no answer from \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(cause)"
        case let .http(url, status, body):
            return "\(url) answered HTTP \(status)" + (body.isEmpty ? "" : ": \(body)")
        case let .notReady(url): return "\(url) is not ready (GET …/ready did not answer 200)"
        case let .malformed(url, message): return "\(url) answered something malformed: \(message)"
        case let .metadata(url, key, expected, found):
            return "\(url): model metadata parameter '\(key)' should be \(expected), found " + (found.map { "'\($0)'" } ?? "nothing")
        }
    }
}
