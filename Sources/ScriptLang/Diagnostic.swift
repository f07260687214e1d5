/// How serious a diagnostic is.
public enum Severity: String, Sendable {
    case error, warning, note
}

/// What kind of failure a diagnostic reports (decides the exit status of a script).
public enum FailureKind: Sendable {
    /// A syntax or static error: nothing ran.
    case syntax
    /// An error while running.
    case runtime
    /// An input file is missing or unreadable.
    case input
    /// An output could not be written.
    case output
}

/// A message about a source range: a syntax error, a runtime error or a note.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    /// The name of the source (`demo.red`, `<stdin>`, `<prompt>`).
    public var file: String
    /// Set when the input merely ended too early (an open `{`, `[`): the REPL asks for more.
    public var isIncompleteInput: Bool
    /// The kind of failure (syntax errors by default; the interpreter sets the others).
    public var kind: FailureKind = .syntax

    public init(_ severity: Severity = .error, _ message: DiagnosticMessage, at range: SourceRange, in file: String,
                incomplete: Bool = false) {
        self.severity = severity
        self.message = message.text
        self.range = range
        self.file = file
        self.isIncompleteInput = incomplete
    }

    /// `FILE:LINE:COL: error: message`.
    public var description: String {
        "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
    }
}

/// The text of a diagnostic; built only through the static factories next to each phase.
public struct DiagnosticMessage: Sendable, Equatable, ExpressibleByStringInterpolation {
    public let text: String
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }

    /// `; did you mean 'x'?` or nothing.
    public static func suffix(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }
}

/// Lexer and parser messages.
extension DiagnosticMessage {
    static func unterminatedString() -> Self { "unterminated string; expected '\"' before the end of the line" }
    static func unexpectedCharacter(_ c: String) -> Self { "unexpected character '\(c)'" }
    static func invalidEscape(_ c: String) -> Self { "unknown escape '\\\(c)' in string; expected \\\", \\\\, \\$, \\n or \\t" }
    static func badVariable() -> Self { "expected a variable name after '$'" }
    static func expected(_ what: String, found: Token) -> Self {
        "expected \(what), found \(found.kind == .eof || found.kind == .newline ? found.kind.display : "'\(found.text)'")"
    }
    static func unclosed(_ what: String) -> Self { "unclosed \(what): the input ended before it was closed" }
    static func unmatchedBrace() -> Self { "unexpected '}' without an open '{'" }
}
