/// A piece of a word or string: literal text or a `$variable` reference.
public enum TextPart: Sendable, Equatable {
    case literal(String)
    case variable(String, SourceRange)
}

/// The kinds of token of the `.red` language.
public enum TokenKind: Sendable, Equatable {
    /// A number such as `3`, `0.25`, `-1e-3`.
    case number(Double)
    /// A double-quoted string, with `$var` interpolation.
    case string([TextPart])
    /// A bare word (`snr`, `r_$w`, `128x64`, `$lr`).
    case word([TextPart])
    case equals, comma, semicolon, newline
    case leftBrace, rightBrace, leftBracket, rightBracket
    /// A comparison of `if`: `==`, `!=`, `<`, `<=`, `>`, `>=`.
    case comparison(Comparison)
    /// Text the lexer could not read; a diagnostic was recorded.
    case error
    case eof

    /// How the token is named in messages.
    public var display: String {
        switch self {
        case .number: return "a number"
        case .string: return "a string"
        case .word: return "a word"
        case .equals: return "'='"
        case .comma: return "','"
        case .semicolon: return "';'"
        case .newline: return "end of line"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case let .comparison(c): return "'\(c.rawValue)'"
        case .error: return "invalid text"
        case .eof: return "end of input"
        }
    }
}

/// A token with its source range and text.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var range: SourceRange
    public var text: String
    public init(kind: TokenKind, range: SourceRange, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }

    /// The word's text when it is a plain word without variables.
    public var plainWord: String? {
        if case let .word(parts) = kind, parts.count == 1, case let .literal(s) = parts[0] { return s }
        return nil
    }
}

/// The comparisons of `if A OP B { … }`.
public enum Comparison: String, Sendable, Equatable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}
