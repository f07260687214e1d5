/// Turns source text into tokens. Never throws: unreadable text becomes an `.error` token and a
/// diagnostic, and lexing goes on.
public struct Lexer {
    let file: SourceFile
    var bytes: [UInt8] { file.bytes }
    var index = 0
    var line = 1
    var column = 1
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: SourceFile) { self.file = file }

    /// All tokens, ending with `.eof`.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if t.kind == .eof { break }
        }
        return (tokens, lexer.diagnostics)
    }

    var position: SourcePosition { SourcePosition(offset: index, line: line, column: column) }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    func peek(_ k: Int) -> UInt8? { index + k < bytes.count ? bytes[index + k] : nil }

    mutating func advance() {
        guard index < bytes.count else { return }
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1  // count characters, not UTF-8 continuation bytes
        }
    }

    static func isLetter(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "_") || b >= 0x80
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    /// Characters that may continue a bare word (paths like `a/b.png`, `128x64`, `r-1`).
    static func isWordChar(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "/")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: ":")
    }

    func text(from start: SourcePosition) -> String {
        String(decoding: bytes[start.offset..<index], as: UTF8.self)
    }

    func make(_ kind: TokenKind, from start: SourcePosition) -> Token {
        Token(kind: kind, range: SourceRange(start: start, end: position), text: text(from: start))
    }

    mutating func error(_ message: DiagnosticMessage, from start: SourcePosition) {
        diagnostics.append(Diagnostic(.error, message, at: SourceRange(start: start, end: position), in: file.name))
    }

    /// The next token.
    public mutating func next() -> Token {
        // skip blanks and comments
        while let b = peek {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                advance()
            } else if b == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "\n") {
                advance(); advance()  // line continuation
            } else if b == UInt8(ascii: "#") {
                while let c = peek, c != UInt8(ascii: "\n") { advance() }
            } else {
                break
            }
        }
        let start = position
        guard let b = peek else { return make(.eof, from: start) }
        switch b {
        case UInt8(ascii: "\n"): advance(); return make(.newline, from: start)
        case UInt8(ascii: ";"): advance(); return make(.semicolon, from: start)
        case UInt8(ascii: "="):
            advance()
            if peek == UInt8(ascii: "=") { advance(); return make(.comparison(.equal), from: start) }
            return make(.equals, from: start)
        case UInt8(ascii: "!") where peek(1) == UInt8(ascii: "="):
            advance(); advance(); return make(.comparison(.notEqual), from: start)
        case UInt8(ascii: "<"), UInt8(ascii: ">"):
            advance()
            let orEqual = peek == UInt8(ascii: "=")
            if orEqual { advance() }
            switch (b == UInt8(ascii: "<"), orEqual) {
            case (true, false): return make(.comparison(.less), from: start)
            case (true, true): return make(.comparison(.lessOrEqual), from: start)
            case (false, false): return make(.comparison(.greater), from: start)
            case (false, true): return make(.comparison(.greaterOrEqual), from: start)
            }
        case UInt8(ascii: ","): advance(); return make(.comma, from: start)
        case UInt8(ascii: "{"): advance(); return make(.leftBrace, from: start)
        case UInt8(ascii: "}"): advance(); return make(.rightBrace, from: start)
        case UInt8(ascii: "["): advance(); return make(.leftBracket, from: start)
        case UInt8(ascii: "]"): advance(); return make(.rightBracket, from: start)
        case UInt8(ascii: "\""): return string(from: start)
        default: break
        }
        if Lexer.isDigit(b) || ((b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: "."))
            && (peek(1).map(Lexer.isDigit) ?? false || (peek(1) == UInt8(ascii: ".") && (peek(2).map(Lexer.isDigit) ?? false)))) {
            return numberOrWord(from: start)
        }
        if Lexer.isLetter(b) || b == UInt8(ascii: "$") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/") {
            return word(from: start, parts: [])
        }
        // an unknown character: one error token per run of them
        advance()
        while let c = peek, c & 0xC0 == 0x80 { advance() }
        error(.unexpectedCharacter(text(from: start)), from: start)
        return make(.error, from: start)
    }

    mutating func numberOrWord(from start: SourcePosition) -> Token {
        if peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") { advance() }
        while let c = peek, Lexer.isDigit(c) { advance() }
        if peek == UInt8(ascii: "."), peek(1).map(Lexer.isDigit) ?? true || !(peek(1).map(Lexer.isWordChar) ?? false) {
            advance()
            while let c = peek, Lexer.isDigit(c) { advance() }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            let k = (peek(1) == UInt8(ascii: "-") || peek(1) == UInt8(ascii: "+")) ? 2 : 1
            if peek(k).map(Lexer.isDigit) ?? false {
                for _ in 0..<k { advance() }
                while let c = peek, Lexer.isDigit(c) { advance() }
            }
        }
        if let c = peek, Lexer.isWordChar(c) || c == UInt8(ascii: "$") {
            // `128x64`, `3rd`: a word that starts with digits
            return word(from: start, parts: [])
        }
        let t = text(from: start)
        guard let v = Double(t) else { return word(from: start, parts: []) }
        return make(.number(v), from: start)
    }

    /// Reads `$name` or `${name}` (the `$` is at `index`); nil after recording an error.
    mutating func variable() -> TextPart? {
        let start = position
        advance()  // $
        let braced = peek == UInt8(ascii: "{")
        if braced { advance() }
        let nameStart = index
        if let c = peek, Lexer.isLetter(c) {
            while let c = peek, Lexer.isLetter(c) || Lexer.isDigit(c) { advance() }
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if braced {
            if peek == UInt8(ascii: "}") { advance() } else { error(.badVariable(), from: start); return nil }
        }
        if name.isEmpty { error(.badVariable(), from: start); return nil }
        return .variable(name, SourceRange(start: start, end: position))
    }

    mutating func word(from start: SourcePosition, parts initial: [TextPart]) -> Token {
        var parts = initial
        var literal = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        var failed = false
        while let c = peek {
            if c == UInt8(ascii: "$") {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                if let v = variable() { parts.append(v) } else { failed = true }
            } else if Lexer.isWordChar(c) {
                let s = index
                advance()
                literal += String(decoding: bytes[s..<index], as: UTF8.self)
            } else {
                break
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return make(failed ? .error : .word(parts), from: start)
    }

    mutating func string(from start: SourcePosition) -> Token {
        advance()  // opening quote
        var parts: [TextPart] = []
        var literal: [UInt8] = []
        var failed = false
        func flush() {
            if !literal.isEmpty { parts.append(.literal(String(decoding: literal, as: UTF8.self))); literal = [] }
        }
        while true {
            guard let c = peek, c != UInt8(ascii: "\n") else {
                error(.unterminatedString(), from: start)
                return make(.error, from: start)
            }
            if c == UInt8(ascii: "\"") { advance(); break }
            if c == UInt8(ascii: "\\") {
                let escStart = position
                advance()
                guard let e = peek, e != UInt8(ascii: "\n") else { continue }
                advance()
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): literal.append(e)
                case UInt8(ascii: "n"): literal.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): literal.append(UInt8(ascii: "\t"))
                default:
                    while let k = peek, k & 0xC0 == 0x80 { advance() }
                    error(.invalidEscape(String(decoding: bytes[(escStart.offset + 1)..<index], as: UTF8.self)), from: escStart)
                    failed = true
                }
            } else if c == UInt8(ascii: "$"), let n = peek(1), Lexer.isLetter(n) || n == UInt8(ascii: "{") {
                flush()
                if let v = variable() { parts.append(v) } else { failed = true }
            } else {
                literal.append(c)
                advance()
            }
        }
        flush()
        return make(failed ? .error : .string(parts), from: start)
    }
}
