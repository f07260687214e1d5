/// Parses tokens into statements. Records every syntax error and resynchronises at the next
/// statement boundary (newline, `;` or `}`), so one run reports all of them.
public struct Parser {
    var tokens: [Token]
    var current = 0
    let file: SourceFile
    var diagnostics: [Diagnostic] = []
    /// Nesting of `{` blocks (newlines inside `[ ]` are ignored, inside `{ }` they separate).
    var blockDepth = 0

    /// Lexes and parses a whole source.
    public static func parse(_ file: SourceFile) -> Program {
        let (tokens, lexErrors) = Lexer.tokenize(file)
        var parser = Parser(tokens: tokens, file: file)
        var statements: [Statement] = []
        while !parser.atEnd {
            if let s = parser.statement() { statements.append(s) }
        }
        return Program(file: file, statements: statements, diagnostics: (lexErrors + parser.diagnostics).sorted {
            $0.range.start < $1.range.start
        })
    }

    init(tokens: [Token], file: SourceFile) {
        self.tokens = tokens
        self.file = file
    }

    var peek: Token { tokens[Swift.min(current, tokens.count - 1)] }
    var atEnd: Bool { peek.kind == .eof }
    var previous: Token { tokens[Swift.max(0, current - 1)] }

    @discardableResult mutating func advance() -> Token {
        let t = peek
        if current < tokens.count - 1 { current += 1 }
        return t
    }

    func isSeparator(_ k: TokenKind) -> Bool { k == .newline || k == .semicolon }

    struct Failure: Error {}

    mutating func fail(_ message: DiagnosticMessage, at token: Token) -> Failure {
        let incomplete = token.kind == .eof
        diagnostics.append(Diagnostic(.error, message, at: token.range, in: file.name, incomplete: incomplete))
        return Failure()
    }

    /// Skips to just after the next statement boundary at this block depth.
    mutating func synchronize() {
        var depth = 0
        while !atEnd {
            let k = peek.kind
            if k == .leftBrace { depth += 1 }
            if k == .rightBrace {
                if depth == 0 { return }  // the enclosing block's end
                depth -= 1
            }
            advance()
            if depth == 0, isSeparator(k) { return }
        }
    }

    /// One statement, or nil for an empty one or after a syntax error (already recorded).
    mutating func statement() -> Statement? {
        while isSeparator(peek.kind) { advance() }
        if atEnd { return nil }
        if peek.kind == .rightBrace {
            let t = advance()
            if blockDepth == 0 { _ = fail(.unmatchedBrace(), at: t) }
            return nil
        }
        do {
            let s = try statementBody()
            // a statement ends at a separator, a closing brace or the end
            if !(isSeparator(peek.kind) || peek.kind == .eof || peek.kind == .rightBrace) {
                throw fail(.expected("';' or a new line after the statement", found: peek), at: peek)
            }
            return s
        } catch {
            synchronize()
            return nil
        }
    }

    mutating func statementBody() throws(Failure) -> Statement {
        let head = peek
        guard let name = head.plainWord else {
            throw fail(.expected("a command", found: head), at: head)
        }
        advance()
        switch Keyword(rawValue: name) {
        case .let?:
            let (n, nr) = try identifier("a variable name after 'let'")
            guard peek.kind == .equals else { throw fail(.expected("'=' after 'let \(n)'", found: peek), at: peek) }
            advance()
            let v = try value()
            return .assign(name: n, nameRange: nr, value: v, range: head.range.union(v.range))
        case .for?:
            let (n, nr) = try identifier("a loop variable after 'for'")
            guard peek.plainWord == "in" else { throw fail(.expected("'in' after 'for \(n)'", found: peek), at: peek) }
            advance()
            let seq = try value()
            let (body, end) = try block("for")
            return .forLoop(variable: n, variableRange: nr, sequence: seq, body: body, range: head.range.union(end))
        case .if?:
            let lhs = try value()
            guard case let .comparison(op) = peek.kind else {
                throw fail(.expected("a comparison (==, !=, <, <=, >, >=) after 'if \(file.slice(lhs.range))'", found: peek), at: peek)
            }
            let opRange = advance().range
            let rhs = try value()
            let (then, thenEnd) = try block("if")
            var otherwise: [Statement] = []
            var end = thenEnd
            if peek.plainWord == "else" {
                advance()
                let (b, e) = try block("else")
                otherwise = b; end = e
            }
            return .conditional(lhs: lhs, op: op, opRange: opRange, rhs: rhs, then: then, otherwise: otherwise, range: head.range.union(end))
        case .try?:
            guard peek.kind == .leftBrace else { throw fail(.expected("'{' after 'try'", found: peek), at: peek) }
            let (body, end) = try block("try")
            return .attempt(body: body, range: head.range.union(end))
        case .def?:
            let (n, nr) = try identifier("a command name after 'def'")
            var params: [Argument] = []
            while peek.kind != .leftBrace {
                guard let key = peek.plainWord else { throw fail(.expected("an option 'name=value' or '{'", found: peek), at: peek) }
                let kt = advance()
                guard peek.kind == .equals else { throw fail(.expected("'=' and a default value after '\(key)'", found: peek), at: peek) }
                advance()
                let v = try value()
                params.append(Argument(key: key, keyRange: kt.range, value: v, range: kt.range.union(v.range)))
            }
            let (body, end) = try block("def")
            return .define(name: n, nameRange: nr, parameters: params, body: body, range: head.range.union(end))
        case nil:
            var args: [Argument] = []
            var range = head.range
            while !(isSeparator(peek.kind) || peek.kind == .eof || peek.kind == .rightBrace) {
                let a = try argument()
                args.append(a)
                range = range.union(a.range)
            }
            return .command(name: name, nameRange: head.range, arguments: args, range: range)
        }
    }

    mutating func identifier(_ what: String) throws(Failure) -> (String, SourceRange) {
        guard let n = peek.plainWord, let f = n.unicodeScalars.first, !CharacterSetLite.isDigit(f),
              n.unicodeScalars.allSatisfy({ CharacterSetLite.isIdentifier($0) }) else {
            throw fail(.expected(what, found: peek), at: peek)
        }
        return (n, advance().range)
    }

    mutating func block(_ owner: String) throws(Failure) -> ([Statement], SourceRange) {
        guard peek.kind == .leftBrace else { throw fail(.expected("'{' to start the body of '\(owner)'", found: peek), at: peek) }
        let open = advance()
        blockDepth += 1
        defer { blockDepth -= 1 }
        var body: [Statement] = []
        while true {
            while isSeparator(peek.kind) { advance() }
            if peek.kind == .rightBrace { break }
            if atEnd {
                diagnostics.append(Diagnostic(.error, .unclosed("'{' of '\(owner)'"), at: open.range, in: file.name, incomplete: true))
                throw Failure()
            }
            if let s = statement() { body.append(s) }
        }
        let close = advance()
        return (body, close.range)
    }

    mutating func argument() throws(Failure) -> Argument {
        let t = peek
        if let key = t.plainWord, tokens[Swift.min(current + 1, tokens.count - 1)].kind == .equals {
            advance(); advance()
            let v = try value()
            return Argument(key: key, keyRange: t.range, value: v, range: t.range.union(v.range))
        }
        // `as NAME` and `to "FILE"` read like options
        if let w = t.plainWord, w == "as" || w == "to", isValueStart(tokens[Swift.min(current + 1, tokens.count - 1)].kind) {
            advance()
            let v = try value()
            return Argument(key: w, keyRange: t.range, value: v, range: t.range.union(v.range))
        }
        let v = try value()
        return Argument(key: nil, keyRange: nil, value: v, range: v.range)
    }

    func isValueStart(_ k: TokenKind) -> Bool {
        switch k {
        case .number, .string, .word, .leftBracket: return true
        default: return false
        }
    }

    /// A value, and `a,b,c` without brackets as a list.
    mutating func value() throws(Failure) -> Expr {
        let first = try single()
        guard peek.kind == .comma else { return first }
        var items = [first]
        while peek.kind == .comma {
            advance()
            items.append(try single())
        }
        return .list(items, first.range.union(items[items.count - 1].range))
    }

    mutating func single() throws(Failure) -> Expr {
        let t = peek
        switch t.kind {
        case let .number(v): advance(); return .number(v, t.range)
        case let .string(p): advance(); return .string(p, t.range)
        case let .word(p): advance(); return .word(p, t.range)
        case .leftBracket:
            advance()
            var items: [Expr] = []
            func skipNewlines() { while peek.kind == .newline { advance() } }
            skipNewlines()
            while peek.kind != .rightBracket {
                if atEnd {
                    diagnostics.append(Diagnostic(.error, .unclosed("'['"), at: t.range, in: file.name, incomplete: true))
                    throw Failure()
                }
                items.append(try single())
                skipNewlines()
                if atEnd { continue }
                if peek.kind == .comma { advance(); skipNewlines() } else if peek.kind != .rightBracket {
                    throw fail(.expected("',' or ']' in the list", found: peek), at: peek)
                }
            }
            let close = advance()
            return .list(items, t.range.union(close.range))
        case .error:
            advance()
            throw Failure()  // the lexer already reported it
        default:
            throw fail(.expected("a value (number, string, word, list or $variable)", found: t), at: t)
        }
    }
}

/// ASCII identifier classes (no Foundation in this module).
enum CharacterSetLite {
    static func isDigit(_ u: Unicode.Scalar) -> Bool { u.value >= 48 && u.value <= 57 }
    static func isIdentifier(_ u: Unicode.Scalar) -> Bool {
        isDigit(u) || (u.value >= 65 && u.value <= 90) || (u.value >= 97 && u.value <= 122) || u == "_"
    }
}
