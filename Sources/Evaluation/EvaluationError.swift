/// What can go wrong while evaluating or tuning: a statement the session rejected, a missing
/// file or result.
public enum EvaluationError: Error, CustomStringConvertible {
    /// A statement failed in the session; the rendered diagnostic.
    case statement(String, message: String)
    /// A named result is not in the session.
    case missingResult(String)
    /// An input is missing or unusable.
    case input(String)

    public var description: String {
        switch self {
        case let .statement(s, message): return "'\(s)' failed: \(message)"
        case let .missingResult(name): return "no result named '\(name)' in the session"
        case let .input(m): return m
        }
    }
}
