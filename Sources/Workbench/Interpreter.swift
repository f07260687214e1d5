import ScriptLang

extension Session {
    /// Executes one statement.
    func execute(_ statement: Statement, file: SourceFile) throws {
        switch statement {
        case let .assign(name, _, value, _):
            state.variables[name] = try evaluate(value, file: file)
        case let .forLoop(variable, _, sequence, body, _):
            let seq = try evaluate(sequence, file: file)
            let items: [Value]
            if case let .list(l) = seq { items = l } else { items = [seq] }
            try forEachItem(items) { item in
                state.variables[variable] = item
                for s in body { try execute(s, file: file) }
            }
        case let .define(name, nameRange, parameters, body, _):
            if CommandTable.spec(name) != nil || CommandTable.keywords.contains(name) {
                throw Diagnostic(.error, .failed("'\(name)' is a built-in command; choose another name"), at: nameRange, in: file.name)
            }
            var params: [(String, Value)] = []
            for p in parameters { params.append((p.key ?? "", try evaluate(p.value, file: file))) }
            state.definitions[name] = Definition(name: name, parameters: params, body: body, file: file)
        case let .command(name, nameRange, arguments, range):
            try call(name, nameRange: nameRange, arguments: arguments, range: range, file: file)
        case let .conditional(lhs, op, opRange, rhs, then, otherwise, _):
            let a = try evaluate(lhs, file: file), b = try evaluate(rhs, file: file)
            let holds = try compare(a, op, b, at: opRange, file: file)
            for s in holds ? then : otherwise { try execute(s, file: file) }
        case let .attempt(body, _):
            for s in body {
                let saved = state
                do {
                    try execute(s, file: file)
                } catch is QuitRequest {
                    throw QuitRequest()
                } catch is InterruptRequest {
                    throw InterruptRequest()
                } catch {
                    state = saved
                    var d = (error as? Diagnostic) ?? Diagnostic(.error, .failed("\(error)"), at: s.range, in: file.name)
                    d.severity = .warning
                    d.message += " (in 'try': undone, the rest of the block skipped)"
                    status(DiagnosticRenderer().render(d, source: nil))
                    break
                }
            }
        }
    }

    /// Evaluates a value: interpolates `$variables`, keeps a lone `$var`'s own type.
    func evaluate(_ e: Expr, file: SourceFile) throws(Diagnostic) -> Value {
        switch e {
        case let .number(v, _): return .number(v)
        case let .list(items, _):
            var out: [Value] = []
            for i in items { out.append(try evaluate(i, file: file)) }
            return .list(out)
        case let .string(parts, _): return .text(try interpolate(parts, file: file), quoted: true)
        case let .word(parts, _):
            if parts.count == 1, case let .variable(n, r) = parts[0] { return try lookup(n, r, file: file) }
            return .text(try interpolate(parts, file: file), quoted: false)
        }
    }

    func interpolate(_ parts: [TextPart], file: SourceFile) throws(Diagnostic) -> String {
        var s = ""
        for p in parts {
            switch p {
            case let .literal(t): s += t
            case let .variable(n, r): s += try lookup(n, r, file: file).description
            }
        }
        return s
    }

    func lookup(_ name: String, _ r: SourceRange, file: SourceFile) throws(Diagnostic) -> Value {
        if let v = state.variables[name] { return v }
        throw Diagnostic(.error, .undefinedVariable(name, suggestion: EditDistance.suggestion(for: name, among: state.variables.keys)),
                         at: r, in: file.name)
    }

    /// Evaluates and validates a command's arguments against its table entry.
    func arguments(_ name: String, spec: CommandSpec?, _ arguments: [Argument], range: SourceRange, file: SourceFile) throws(Diagnostic) -> Arguments {
        var a = Arguments(command: name, spec: spec, range: range, file: file.name)
        for arg in arguments {
            let v = try evaluate(arg.value, file: file)
            switch arg.key {
            case nil: a.positionals.append((v, arg.value.range))
            case "as"?:
                guard case let .text(n, _) = v, !n.isEmpty else {
                    throw a.error(.wrongType("the name after 'as'", expected: "a word", found: "'\(v)'"), arg.value.range)
                }
                a.name = (n, arg.value.range)
            case let key?:
                if a.options[key] != nil { throw a.error(.duplicateOption(key), arg.keyRange) }
                a.options[key] = (v, arg.value.range)
            }
        }
        if let spec {
            // a bare flag word (`gray`) means flag=on
            a.positionals.removeAll { p in
                guard case let .text(w, false) = p.value, a.options[w] == nil,
                      spec.options.contains(where: { $0.name == w && $0.kind == .flag }) else { return false }
                a.options[w] = (.text("on", quoted: false), p.range)
                return true
            }
            if let d = Checker.validate(spec: spec, variant: a.variant, firstIsQuoted: a.positionals.first.map {
                if case .text(_, true) = $0.value { return true } else { return false }
            } ?? false, variantRange: a.positionals.first?.range, optionKeys: arguments.compactMap { arg in
                arg.key.flatMap { $0 == "as" ? nil : ($0, arg.keyRange ?? arg.range) }
            }, hasName: a.name != nil, nameRange: a.name?.1, range: range, file: file.name) {
                throw d
            }
        }
        return a
    }

    /// Calls a built-in or defined command.
    func call(_ name: String, nameRange: SourceRange, arguments args: [Argument], range: SourceRange, file: SourceFile) throws {
        if let spec = CommandTable.spec(name) {
            let a = shardingOutputs(try arguments(name, spec: spec, args, range: range, file: file))
            try spec.run(self, a)
            return
        }
        guard let def = state.definitions[name] else {
            let candidates = CommandTable.names + Array(state.definitions.keys)
            throw Diagnostic(.error, .unknownCommand(name, suggestion: EditDistance.suggestion(for: name, among: candidates)),
                             at: nameRange, in: file.name)
        }
        let a = try arguments(name, spec: nil, args, range: range, file: file)
        if let p = a.positionals.first {
            throw a.error(.tooManyArguments(name, usage: ([name] + def.parameters.map { "\($0.0)=\($0.1.source)" }).joined(separator: " ")), p.range)
        }
        if let n = a.name { throw a.error(.failed("'\(name)' does not take 'as NAME'"), n.1) }
        let known = def.parameters.map(\.0)
        for arg in args {
            if let k = arg.key, !known.contains(k) {
                throw a.error(.unknownOption(k, command: name, suggestion: EditDistance.suggestion(for: k, among: known)), arg.keyRange)
            }
        }
        guard callDepth < Session.maxCallDepth else { throw a.error(.recursion(name, limit: Session.maxCallDepth), nameRange) }
        callDepth += 1
        let saved = state.variables
        defer { callDepth -= 1 }
        for (k, v) in def.parameters { state.variables[k] = a.options[k]?.value ?? v }
        do {
            for s in def.body { try execute(s, file: def.file) }
        } catch {
            state.variables = saved
            throw error
        }
        // parameters are local to the call; other assignments stay visible
        for (k, _) in def.parameters { state.variables[k] = saved[k] }
    }

    /// `A OP B` of `if`: numbers compare numerically; `==` and `!=` also compare words, strings
    /// and lists by their text; ordering needs two numbers.
    func compare(_ a: Value, _ op: Comparison, _ b: Value, at range: SourceRange, file: SourceFile) throws(Diagnostic) -> Bool {
        if case let .number(x) = a, case let .number(y) = b {
            switch op {
            case .equal: return x == y
            case .notEqual: return x != y
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            }
        }
        switch op {
        case .equal: return a.description == b.description
        case .notEqual: return a.description != b.description
        default:
            let bad = { if case .number = a { return b } else { return a } }()
            throw Diagnostic(.error, .failed("'\(op.rawValue)' compares numbers; got \(bad.kindName) '\(bad)'"), at: range, in: file.name)
        }
    }
}
