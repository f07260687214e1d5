import Foundation
import ScriptLang
import Samplers
import TensorCore

extension Session {
    /// `show`: the session state.
    func cmdShow(_ a: Arguments) throws(Diagnostic) {
        try a.atMost(0)
        if let display { display(.table(Table.keyValue(title: "show", text: showText))) } else { output(showText) }
    }

    /// `quit`: ends the run.
    func cmdQuit(_ a: Arguments) throws {
        try a.atMost(0)
        throw QuitRequest()
    }

    func cmdPrint(_ a: Arguments) throws(Diagnostic) {
        if let (k, _) = a.options.first { throw a.error(.failed("'print' takes no options; quote the text to print '\(k)='")) }
        output(a.positionals.map { $0.value.description }.joined(separator: " "))
    }

    func cmdSet(_ a: Arguments) throws(Diagnostic) {
        try a.atMost(0)
        if a.options.isEmpty { throw a.error(.missingArgument("a setting", usage: "set seed=N | threads=N | progress=on|off")) }
        if a.has("seed") {
            let s = try a.integer("seed")
            state.seed = UInt64(s)
            state.draws = 0
        }
        if a.has("threads") {
            let n = try a.integer("threads")
            state.threads = n
            Parallel.threads = n
        }
        if a.has("progress") { state.progress = try a.flag("progress") }
    }

    func cmdRun(_ a: Arguments) throws {
        try a.atMost(1)
        let path = try a.positionalText(0, "a script file")
        let resolved = resolveInput(path)
        guard let text = try? String(contentsOfFile: resolved, encoding: .utf8) else {
            throw a.error(.failed("cannot read '\(path)': no such file or not readable"), a.positionals[0].range)
        }
        guard callDepth < Session.maxRunDepth else { throw a.error(.runNesting(path, limit: Session.maxRunDepth)) }
        let inner = SourceFile(name: path, text: text)
        let program = Parser.parse(inner)
        let problems = program.diagnostics + check(program)
        if let first = problems.first {
            for d in problems.dropFirst() { status(d.description) }
            throw first
        }
        callDepth += 1
        defer { callDepth -= 1 }
        for s in program.statements { try execute(s, file: inner) }
    }

    /// A path as given, or under the standard library's parent folder when it starts with `Stdlib/`
    /// and does not exist here.
    func resolveInput(_ path: String) -> String {
        if FileManager.default.fileExists(atPath: path) { return path }
        if path.hasPrefix("Stdlib/"), let dir = stdlibDirectory {
            let candidate = (dir as NSString).appendingPathComponent(String(path.dropFirst("Stdlib/".count)))
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return path
    }

    func cmdHelp(_ a: Arguments) throws(Diagnostic) {
        try a.atMost(2)
        guard a.positionals.count > 0 else { output(Help.overview(definitions: state.definitions)); return }
        let name = try a.positionalText(0, "a command")
        if let spec = CommandTable.spec(name) {
            let v = a.positionals.count > 1 ? try a.positionalText(1, "a kind") : nil
            if let v, spec.variant(v) == nil {
                throw a.error(.unknownVariant(v, command: name, expected: spec.variants.map(\.name),
                                              suggestion: EditDistance.suggestion(for: v, among: spec.variants.map(\.name))), a.positionals[1].range)
            }
            var text = Help.command(spec, variant: v)
            if name == "solve", state.prior != nil { text += "\n" + (v.map { [settingsNote(method: $0)] } ?? settingsNotes()).joined(separator: "\n") }
            output(text)
        } else if let def = state.definitions[name] {
            output("\(name) " + def.parameters.map { "\($0.0)=\($0.1.source)" }.joined(separator: " ") + "\n  defined with 'def'")
        } else if let text = Help.keyword(name) {
            output(text)
        } else {
            throw a.error(.unknownCommand(name, suggestion: EditDistance.suggestion(for: name, among: CommandTable.names + state.definitions.keys)),
                          a.positionals[0].range)
        }
    }

    /// Which values a solve with `method` would use now, and where they come from.
    func settingsNote(method: String) -> String {
        let inForce = settingsInForce(method: method)
        let fromPrior = inForce.filter { $0.source == "prior" }
        let family = state.taskFamily.rawValue
        let values = inForce.map { "\($0.option)=\($0.value)" }.joined(separator: " ")
        if fromPrior.isEmpty {
            let why = state.priorName.hasSuffix(Session.officialSettingsSuffix) ? "settings=official" : "the prior recommends none"
            return "\(method) for \(family): \(values) (official defaults; \(why))"
        }
        return "\(method) for \(family): \(values) (from the prior: \(fromPrior.map(\.option).joined(separator: ", ")); the rest official defaults)"
    }

    /// The `settingsNote` of RED-diff and of every other solver the prior recommends settings
    /// for in the current task family.
    func settingsNotes() -> [String] {
        CommandTable.solvers.map(\.name)
            .filter { $0 == REDDiffOptions.name || settingsInForce(method: $0).contains { $0.source == "prior" } }
            .map { settingsNote(method: $0) }
    }

    /// The text of `show`.
    public var showText: String {
        var lines: [String] = []
        let unknownX = state.observedFrom.map { "unknown (y is observed from '\($0)'; 'load' a reference for metrics)" }
        lines.append("x       " + (state.x.map { $0.summary + ($0.origin.isEmpty ? "" : "  (\($0.origin))") } ?? unknownX ?? "none (load an image or 'sample prior')"))
        lines.append("A       " + (state.chain.isEmpty ? "identity" : state.chain.map(\.text).joined(separator: " ; ")))
        lines.append("noise   " + Value.format(state.noise))
        let y = state.y.map { $0.summary + (state.observedFrom.map { "  (observed: \($0))" } ?? (state.yStale ? "  (stale: measured again before solve)" : "")) }
        lines.append("y       " + (y ?? "not measured"))
        lines.append("prior   " + (state.prior == nil ? "none" : state.priorName))
        if state.prior != nil {
            for (i, note) in settingsNotes().enumerated() { lines.append((i == 0 ? "solve   " : "        ") + note) }
        }
        if state.order.isEmpty {
            lines.append("results none")
        } else {
            for n in state.order {
                guard let d = state.values[n] else { continue }
                let mark = n == state.lastSolve ? "  = result" : ""
                let secs = d.seconds.map { String(format: "  %.2fs", $0) } ?? ""
                lines.append("  \(n): \(d.summary)" + (d.origin.isEmpty ? "" : "  (\(d.origin))") + secs + mark)
            }
        }
        lines.append("seed    \(state.seed)" + (state.draws > 0 ? "  (\(state.draws) draws)" : ""))
        if !state.variables.isEmpty {
            lines.append("vars    " + state.variables.keys.sorted().map { "\($0)=\(state.variables[$0]?.source ?? "")" }.joined(separator: " "))
        }
        let defs = state.definitions.keys.sorted()
        if !defs.isEmpty { lines.append("defs    " + defs.joined(separator: " ")) }
        return lines.joined(separator: "\n")
    }
}
