import Testing
@testable import ScriptLang

struct LexerTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var kinds: [String]
        var description: String { input }
    }

    static func kindName(_ t: Token) -> String {
        switch t.kind {
        case let .number(v): return "n:\(v)"
        case let .string(p): return "s:" + p.map(partName).joined()
        case let .word(p): return "w:" + p.map(partName).joined()
        case .equals: return "="
        case .comma: return ","
        case .semicolon: return ";"
        case .newline: return "nl"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case let .comparison(c): return "op:" + c.rawValue
        case .error: return "err"
        case .eof: return "eof"
        }
    }
    static func partName(_ p: TextPart) -> String {
        switch p {
        case let .literal(s): return s
        case let .variable(n, _): return "<\(n)>"
        }
    }

    static let cases: [Case] = [
        Case(input: "load \"a b.png\" size=128", kinds: ["w:load", "s:a b.png", "w:size", "=", "n:128.0", "eof"]),
        Case(input: "lr=1e-3 x=-0.5 y=.25", kinds: ["w:lr", "=", "n:0.001", "w:x", "=", "n:-0.5", "w:y", "=", "n:0.25", "eof"]),
        Case(input: "size=128x64 at=10,20", kinds: ["w:size", "=", "w:128x64", "w:at", "=", "n:10.0", ",", "n:20.0", "eof"]),
        Case(input: "solve as r_$w # comment", kinds: ["w:solve", "w:as", "w:r_<w>", "eof"]),
        Case(input: "print \"lr is $lr, \\$5\"", kinds: ["w:print", "s:lr is <lr>, $5", "eof"]),
        Case(input: "for w in [snr, sqrt] { a; b }", kinds: ["w:for", "w:w", "w:in", "[", "w:snr", ",", "w:sqrt", "]", "{", "w:a", ";", "w:b", "}", "eof"]),
        Case(input: "a\nb", kinds: ["w:a", "nl", "w:b", "eof"]),
        Case(input: "x ${y}z", kinds: ["w:x", "w:<y>z", "eof"]),
        Case(input: "run Stdlib/tasks.red", kinds: ["w:run", "w:Stdlib/tasks.red", "eof"]),
        Case(input: "bad ! x", kinds: ["w:bad", "err", "w:x", "eof"]),
        Case(input: "if $a==1 {} else {}", kinds: ["w:if", "w:<a>", "op:==", "n:1.0", "{", "}", "w:else", "{", "}", "eof"]),
        Case(input: "a != b < c <= d > e >= f = g", kinds: ["w:a", "op:!=", "w:b", "op:<", "w:c", "op:<=", "w:d", "op:>", "w:e", "op:>=", "w:f", "=", "w:g", "eof"]),
        Case(input: "\"open", kinds: ["err", "eof"]),
    ]

    @Test(arguments: cases) func tokens(_ c: Case) {
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "t", text: c.input))
        #expect(tokens.map(LexerTests.kindName) == c.kinds)
    }

    @Test func positionsAreOneBasedLineAndColumn() {
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "t", text: "a\n  bé c"))
        #expect(tokens[2].range.start == SourcePosition(offset: 4, line: 2, column: 3))
        #expect(tokens[3].range.start.column == 6)  // é counts as one column
    }

    @Test func errorsAreReportedWithPosition() {
        let (_, d) = Lexer.tokenize(SourceFile(name: "f.red", text: "load \"x\n print \"\\q\""))
        #expect(d.map(\.description) == [
            "f.red:1:6: error: unterminated string; expected '\"' before the end of the line",
            "f.red:2:9: error: unknown escape '\\q' in string; expected \\\", \\\\, \\$, \\n or \\t",
        ])
    }
}
