import ScriptLang

/// Runtime error messages of the interpreter, as static factories (style B5).
extension DiagnosticMessage {
    static func unknownCommand(_ n: String, suggestion: String?) -> Self {
        "unknown command '\(n)'\(suffix(suggestion))"
    }
    static func unknownOption(_ o: String, command: String, suggestion: String?) -> Self {
        "unknown option '\(o)' for '\(command)'\(suffix(suggestion))"
    }
    static func unknownVariant(_ w: String, command: String, expected: [String], suggestion: String?) -> Self {
        "unknown \(command) kind '\(w)'; expected \(list(expected))\(suffix(suggestion))"
    }
    static func missingVariant(command: String, expected: [String]) -> Self {
        "'\(command)' needs one of \(list(expected))"
    }
    static func undefinedVariable(_ n: String, suggestion: String?) -> Self {
        "undefined variable '\(n)'\(suffix(suggestion))"
    }
    static func wrongType(_ what: String, expected: String, found: String) -> Self {
        "\(what) must be \(expected), found \(found)"
    }
    static func badChoice(_ option: String, value: String, choices: [String], suggestion: String?) -> Self {
        "invalid value '\(value)' for '\(option)'; expected \(list(choices))\(suffix(suggestion))"
    }
    static func outOfRange(_ what: String, value: String, expected: String) -> Self {
        "\(what) \(value) is out of range; expected \(expected)"
    }
    static func duplicateOption(_ o: String) -> Self { "option '\(o)' is given twice" }
    static func tooManyArguments(_ command: String, usage: String) -> Self {
        "too many arguments for '\(command)'; usage: \(usage)"
    }
    static func missingArgument(_ what: String, usage: String) -> Self { "missing \(what); usage: \(usage)" }
    static func notAvailable(_ what: String) -> Self { "\(what)" }
    static func recursion(_ name: String, limit: Int) -> Self { "'\(name)' calls itself too deeply (more than \(limit) nested calls)" }
    static func runNesting(_ path: String, limit: Int) -> Self {
        "'run \"\(path)\"' is nested too deeply (more than \(limit) nested runs and calls)"
    }
    static func failed(_ message: String) -> Self { DiagnosticMessage(message) }

    static func list(_ words: [String]) -> String {
        let q = words.map { "'\($0)'" }
        if q.count <= 1 { return q.first ?? "nothing" }
        return q.dropLast().joined(separator: ", ") + " or " + (q.last ?? "")
    }
}

/// Thrown to end the session (`quit`).
public struct QuitRequest: Error {}

/// Thrown after an interrupted solve kept its iterate: ends the statement, its loop or block and
/// the rest of the input (the prompt, a notebook cell or the script), keeping the state.
public struct InterruptRequest: Error {}
