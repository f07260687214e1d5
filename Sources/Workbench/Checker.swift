import ScriptLang

/// Static checks before anything runs: unknown commands, variants and options (with "did you
/// mean"). Reported like syntax errors (exit status 65).
enum Checker {
    /// Checks one command's shape against its table entry; nil when fine.
    static func validate(spec: CommandSpec, variant: String?, firstIsQuoted: Bool, variantRange: SourceRange?,
                         optionKeys: [(String, SourceRange)], hasName: Bool, nameRange: SourceRange?,
                         range: SourceRange, file: String) -> Diagnostic? {
        let variantNames = spec.variants.map(\.name)
        if !spec.variants.isEmpty {
            if let variant, spec.variant(variant) == nil {
                return Diagnostic(.error, .unknownVariant(variant, command: spec.name, expected: variantNames + (spec.variantRequired ? [] : ["\"FILE\""]),
                                                          suggestion: EditDistance.suggestion(for: variant, among: variantNames)),
                                  at: variantRange ?? range, in: file)
            }
            if variant == nil, spec.variantRequired, !firstIsQuoted {
                return Diagnostic(.error, .missingVariant(command: spec.name, expected: variantNames), at: variantRange ?? range, in: file)
            }
        }
        let allowed = spec.options(for: variant).map(\.name)
        for (key, r) in optionKeys where !allowed.contains(key) {
            // an option of another variant: say which one takes it
            let owners = spec.variants.filter { $0.options.contains { $0.name == key } }.map(\.name)
            if !owners.isEmpty, !allowed.isEmpty || variant != nil {
                return Diagnostic(.error, .failed("option '\(key)' does not apply to '\(spec.name)\(variant.map { " " + $0 } ?? "")'; it belongs to \(DiagnosticMessage.list(owners.map { "\(spec.name) \($0)" }))"),
                                  at: r, in: file)
            }
            return Diagnostic(.error, .unknownOption(key, command: spec.name + (variant.map { spec.variant($0) != nil ? " " + $0 : "" } ?? ""),
                                                     suggestion: EditDistance.suggestion(for: key, among: allowed)), at: r, in: file)
        }
        if hasName, !spec.takesName {
            return Diagnostic(.error, .failed("'\(spec.name)' does not take 'as NAME'"), at: nameRange ?? range, in: file)
        }
        return nil
    }

    /// All static problems of a program, given the commands already defined in the session.
    static func check(_ program: Program, defined: Set<String>) -> [Diagnostic] {
        var known = defined
        var out: [Diagnostic] = []
        // a script that runs other scripts may get commands from them: only check the names it can see
        let runsScripts = containsRun(program.statements)
        collectDefinitions(program.statements, into: &known)
        walk(program.statements, file: program.file.name, known: known, strictNames: !runsScripts, out: &out)
        return out
    }

    static func containsRun(_ ss: [Statement]) -> Bool {
        ss.contains { s in
            switch s {
            case let .command(name, _, _, _): return name == "run"
            case let .forLoop(_, _, _, body, _), let .define(_, _, _, body, _), let .attempt(body, _): return containsRun(body)
            case let .conditional(_, _, _, _, then, otherwise, _): return containsRun(then) || containsRun(otherwise)
            case .assign: return false
            }
        }
    }

    static func collectDefinitions(_ ss: [Statement], into known: inout Set<String>) {
        for s in ss {
            switch s {
            case let .define(name, _, _, body, _):
                known.insert(name)
                collectDefinitions(body, into: &known)
            case let .forLoop(_, _, _, body, _), let .attempt(body, _): collectDefinitions(body, into: &known)
            case let .conditional(_, _, _, _, then, otherwise, _): collectDefinitions(then + otherwise, into: &known)
            default: break
            }
        }
    }

    static func walk(_ ss: [Statement], file: String, known: Set<String>, strictNames: Bool, out: inout [Diagnostic]) {
        for s in ss {
            switch s {
            case let .command(name, nameRange, args, range):
                if let spec = CommandTable.spec(name) {
                    var variant: String?
                    var quoted = false
                    if let first = args.first, first.key == nil {
                        if case let .word(p, _) = first.value, p.count == 1, case let .literal(w) = p[0] { variant = w }
                        if case .string = first.value { quoted = true }
                        if case let .word(p, _) = first.value, p.contains(where: { if case .variable = $0 { true } else { false } }) {
                            continue  // decided at run time
                        }
                    }
                    let keys = args.compactMap { a in a.key.flatMap { $0 == "as" ? nil : ($0, a.keyRange ?? a.range) } }
                    let nameArg = args.first { $0.key == "as" }
                    if let d = validate(spec: spec, variant: variant, firstIsQuoted: quoted, variantRange: args.first?.value.range,
                                        optionKeys: keys, hasName: nameArg != nil, nameRange: nameArg?.keyRange, range: range, file: file) {
                        out.append(d)
                    }
                } else if strictNames, !known.contains(name) {
                    out.append(Diagnostic(.error, .unknownCommand(name, suggestion: EditDistance.suggestion(for: name, among: CommandTable.names + known)),
                                          at: nameRange, in: file))
                }
            case let .forLoop(_, _, _, body, _), let .define(_, _, _, body, _), let .attempt(body, _):
                walk(body, file: file, known: known, strictNames: strictNames, out: &out)
            case let .conditional(_, _, _, _, then, otherwise, _):
                walk(then + otherwise, file: file, known: known, strictNames: strictNames, out: &out)
            case .assign: break
            }
        }
    }
}

extension Session {
    /// Static problems of a program in this session (unknown commands and options).
    public func check(_ program: Program) -> [Diagnostic] {
        Checker.check(program, defined: Set(state.definitions.keys))
    }
}
