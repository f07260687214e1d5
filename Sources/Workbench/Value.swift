import ScriptLang

/// A runtime value of the language.
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    /// A word (`snr`) or string (`"a.png"`); `quoted` records which.
    case text(String, quoted: Bool)
    case list([Value])

    public var description: String {
        switch self {
        case let .number(v): return Value.format(v)
        case let .text(s, _): return s
        case let .list(items): return "[" + items.map { $0.source }.joined(separator: ", ") + "]"
        }
    }

    /// The value written back as source (for `save session` and lists).
    public var source: String {
        switch self {
        case let .text(s, true): return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$") + "\""
        default: return description
        }
    }

    /// Numbers print without a trailing `.0` when integral.
    public static func format(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    public var kindName: String {
        switch self {
        case .number: return "a number"
        case .text(_, true): return "a string"
        case .text: return "a word"
        case .list: return "a list"
        }
    }
}
