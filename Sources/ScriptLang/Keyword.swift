/// The words the parser reads as statements of their own rather than as commands.
///
/// The one list of keywords: the parser switches over it exhaustively, and help, completion and
/// the check that `def` does not shadow a keyword read `Keyword.allCases`.
public enum Keyword: String, CaseIterable, Sendable {
    /// `let NAME = VALUE`
    case `let`
    /// `for NAME in [A, B, …] { … }`
    case `for`
    /// `def NAME a=1 b=2 { … $a … }`
    case def
    /// `if A OP B { … } else { … }`
    case `if`
    /// `try { … }`
    case `try`
}
