import ScriptLang

/// The evaluated arguments of one command statement, with typed accessors that throw
/// diagnostics pointing at the offending argument.
struct Arguments {
    let command: String
    let spec: CommandSpec?
    let range: SourceRange
    let file: String
    var positionals: [(value: Value, range: SourceRange)] = []
    var options: [String: (value: Value, range: SourceRange)] = [:]
    var name: (String, SourceRange)?
    /// The variant whose options apply when it is not the first word (`solve` defaults to `reddiff`).
    var optionVariant: String?

    func error(_ m: DiagnosticMessage, _ r: SourceRange? = nil) -> Diagnostic {
        Diagnostic(.error, m, at: r ?? range, in: file)
    }

    var usage: String {
        guard let spec else { return command }
        return ([command, spec.arguments].filter { !$0.isEmpty }).joined(separator: " ")
    }

    /// The variant word (first positional when it is a plain word).
    var variant: String? {
        if case let .text(s, false)? = positionals.first?.value { return s }
        return nil
    }

    func has(_ key: String) -> Bool { options[key] != nil }

    /// The table's entry for option `key` of this statement's command and variant. Asking for an
    /// option the table lacks is a programmer error.
    func optionSpec(_ key: String) -> OptionSpec? {
        guard let spec else { return nil }
        let o = spec.option(key, for: optionVariant ?? variant)
        precondition(o != nil, "option '\(key)' is not in the command table's entry for '\(command)'")
        return o
    }

    /// Option `key` as a number: the table's default and bounds unless the caller gives ones that
    /// depend on the session (`default`, `min`, `max` override the table's).
    func number(_ key: String, default d: Double? = nil, min: Double? = nil, max: Double? = nil) throws(Diagnostic) -> Double {
        let o = optionSpec(key)
        guard let (v, r) = options[key] else {
            if let d { return d }
            switch o?.defaultValue {
            case let .number(x)?: return x
            case let .integer(n)?: return Double(n)
            default: throw error(.missingArgument("'\(key)=…'", usage: usage))
            }
        }
        let bounds = o?.bounds ?? OptionBounds()
        return try Arguments.checkNumber(v, r, what: "'\(key)'", min: min ?? bounds.min, max: max ?? bounds.max,
                                         exclusiveMin: bounds.exclusiveMin, self)
    }

    /// Option `key` as a whole number, like `number`.
    func integer(_ key: String, default d: Int? = nil, min: Int? = nil, max: Int? = nil) throws(Diagnostic) -> Int {
        let v = try number(key, default: d.map(Double.init), min: min.map(Double.init), max: max.map(Double.init))
        guard v == v.rounded(), abs(v) < 1e12 else {
            throw error(.wrongType("'\(key)'", expected: "a whole number", found: Value.format(v)), options[key]?.range)
        }
        return Int(v)
    }

    static func checkNumber(_ v: Value, _ r: SourceRange, what: String, min: Double?, max: Double?, exclusiveMin: Bool = false,
                            _ a: Arguments) throws(Diagnostic) -> Double {
        guard case let .number(x) = v else { throw a.error(.wrongType(what, expected: "a number", found: "'\(v)'"), r) }
        if let min, exclusiveMin ? x <= min : x < min {
            throw a.error(.outOfRange(what, value: Value.format(x), expected: (exclusiveMin ? "> " : "≥ ") + Value.format(min)
                + (max.map { " and ≤ \(Value.format($0))" } ?? "")), r)
        }
        if let max, x > max {
            throw a.error(.outOfRange(what, value: Value.format(x), expected: "≤ " + Value.format(max)), r)
        }
        return x
    }

    /// A positional number at `index`.
    func positionalNumber(_ index: Int, _ what: String, default d: Double? = nil, min: Double? = nil, max: Double? = nil,
                          exclusiveMin: Bool = false) throws(Diagnostic) -> Double {
        guard index < positionals.count else {
            guard let d else { throw error(.missingArgument(what, usage: usage)) }
            return d
        }
        let (v, r) = positionals[index]
        return try Arguments.checkNumber(v, r, what: what, min: min, max: max, exclusiveMin: exclusiveMin, self)
    }

    func positionalInteger(_ index: Int, _ what: String, default d: Int? = nil, min: Int? = nil) throws(Diagnostic) -> Int {
        let v = try positionalNumber(index, what, default: d.map(Double.init), min: min.map(Double.init))
        guard v == v.rounded(), abs(v) < 1e12 else {
            throw error(.wrongType(what, expected: "a whole number", found: Value.format(v)), positionals[index].range)
        }
        return Int(v)
    }

    /// A positional text (word or string) at `index`.
    func positionalText(_ index: Int, _ what: String) throws(Diagnostic) -> String {
        guard index < positionals.count else { throw error(.missingArgument(what, usage: usage)) }
        let (v, r) = positionals[index]
        guard case let .text(s, _) = v else { throw error(.wrongType(what, expected: "a word or a string", found: "'\(v)'"), r) }
        return s
    }

    func text(_ key: String) throws(Diagnostic) -> String? {
        guard let (v, r) = options[key] else { return nil }
        guard case let .text(s, _) = v else { throw error(.wrongType("'\(key)'", expected: "a word or a string", found: "'\(v)'"), r) }
        return s
    }

    /// Option `key` as one of the words the table lists, its default when left out.
    func choice(_ key: String) throws(Diagnostic) -> String {
        guard let o = optionSpec(key), case let .choice(choices) = o.kind else {
            preconditionFailure("option '\(key)' of '\(command)' is not a choice in the command table")
        }
        guard let (v, r) = options[key] else {
            guard case let .word(d) = o.defaultValue else { preconditionFailure("choice '\(key)' of '\(command)' has no default") }
            return d
        }
        let s = v.description
        guard choices.contains(s) else {
            throw error(.badChoice(key, value: s, choices: choices, suggestion: EditDistance.suggestion(for: s, among: choices)), r)
        }
        return s
    }

    /// Option `key` as a case of the library enum whose cases the table lists.
    func choice<E: RawRepresentable>(_ key: String, as type: E.Type) throws(Diagnostic) -> E where E.RawValue == String {
        let word = try choice(key)
        guard let e = E(rawValue: word) else { preconditionFailure("'\(word)' of '\(key)' is not a case of \(E.self)") }
        return e
    }

    /// Option `key` as on/off, the table's default when left out.
    func flag(_ key: String) throws(Diagnostic) -> Bool {
        let o = optionSpec(key)
        guard let (v, r) = options[key] else {
            guard case let .flag(d)? = o?.defaultValue else { preconditionFailure("flag '\(key)' of '\(command)' has no default") }
            return d
        }
        switch v {
        case .text("on", _), .text("true", _), .text("yes", _), .number(1): return true
        case .text("off", _), .text("false", _), .text("no", _), .number(0): return false
        default: throw error(.badChoice(key, value: v.description, choices: ["on", "off"], suggestion: nil), r)
        }
    }

    /// `128`, `128x64`, `10,20` → (first, second); a single number gives (n, n).
    func pair(_ key: String) throws(Diagnostic) -> (Int, Int)? {
        guard let (v, r) = options[key] else { return nil }
        return try Arguments.pair(v, r, what: "'\(key)'", self)
    }

    static func pair(_ v: Value, _ r: SourceRange, what: String, _ a: Arguments) throws(Diagnostic) -> (Int, Int) {
        func int(_ x: Double) -> Int? { x == x.rounded() && x >= 0 && x < 1e9 ? Int(x) : nil }
        switch v {
        case let .number(x): if let i = int(x) { return (i, i) }
        case let .list(items) where items.count == 2:
            if case let .number(p) = items[0], case let .number(q) = items[1], let i = int(p), let j = int(q) { return (i, j) }
        case let .text(s, _):
            let parts = s.split(separator: "x", omittingEmptySubsequences: false)
            if parts.count == 2, let p = Int(parts[0]), let q = Int(parts[1]), p >= 0, q >= 0 { return (p, q) }
        default: break
        }
        throw a.error(.wrongType(what, expected: "N, WxH or A,B with whole numbers ≥ 0", found: "'\(v)'"), r)
    }

    /// Fails if more than `n` positional arguments were given.
    func atMost(_ n: Int) throws(Diagnostic) {
        if positionals.count > n { throw error(.tooManyArguments(command, usage: usage), positionals[n].range) }
    }

    /// Fails on `as NAME` when the command does not take one.
    func noName() throws(Diagnostic) {
        if let (_, r) = name { throw error(.failed("'\(command)' does not take 'as NAME'"), r) }
    }
}
