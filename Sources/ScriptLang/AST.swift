/// A value as written in the source.
public indirect enum Expr: Sendable, Equatable {
    /// `3`, `0.25`, `1e-3`.
    case number(Double, SourceRange)
    /// `"a file.png"`, with `$var` interpolation.
    case string([TextPart], SourceRange)
    /// `snr`, `r_$w`, `$lr`, `128x64`.
    case word([TextPart], SourceRange)
    /// `[0.1, 0.25]` or the bracket-less `10,20`.
    case list([Expr], SourceRange)

    public var range: SourceRange {
        switch self {
        case let .number(_, r), let .string(_, r), let .word(_, r), let .list(_, r): return r
        }
    }
}

/// One argument of a command: positional (`key == nil`) or `key=value`; `as NAME` has key `as`.
public struct Argument: Sendable, Equatable {
    public var key: String?
    public var keyRange: SourceRange?
    public var value: Expr
    public var range: SourceRange
    public init(key: String?, keyRange: SourceRange?, value: Expr, range: SourceRange) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
        self.range = range
    }
}

/// A statement.
public indirect enum Statement: Sendable, Equatable {
    /// `NAME args… key=value… [as NAME]`.
    case command(name: String, nameRange: SourceRange, arguments: [Argument], range: SourceRange)
    /// `let NAME = value`.
    case assign(name: String, nameRange: SourceRange, value: Expr, range: SourceRange)
    /// `for NAME in LIST { … }`.
    case forLoop(variable: String, variableRange: SourceRange, sequence: Expr, body: [Statement], range: SourceRange)
    /// `def NAME a=1 b=2 { … }`.
    case define(name: String, nameRange: SourceRange, parameters: [Argument], body: [Statement], range: SourceRange)
    /// `try { … }`: a failing statement in the block is reported and undone, the rest of the block
    /// is skipped, and the script goes on.
    case attempt(body: [Statement], range: SourceRange)
    /// `if A OP B { … } else { … }` (the `else` block may be empty).
    case conditional(lhs: Expr, op: Comparison, opRange: SourceRange, rhs: Expr, then: [Statement], otherwise: [Statement], range: SourceRange)

    /// The whole statement's range.
    public var range: SourceRange {
        switch self {
        case let .command(_, _, _, r), let .assign(_, _, _, r), let .forLoop(_, _, _, _, r), let .define(_, _, _, _, r),
             let .attempt(_, r), let .conditional(_, _, _, _, _, _, r): return r
        }
    }
}

/// The result of parsing a source: the statements that parsed and every syntax error.
public struct Program: Sendable {
    public var file: SourceFile
    public var statements: [Statement]
    public var diagnostics: [Diagnostic]
    /// True when the only problem is input that ended inside an open `{` or `[` (the REPL
    /// then asks for another line).
    public var needsMoreInput: Bool {
        !diagnostics.isEmpty && diagnostics.allSatisfy(\.isIncompleteInput)
    }
}
