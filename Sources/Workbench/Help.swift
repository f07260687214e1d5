import ScriptLang

/// `help` text, generated from the command table.
public enum Help {
    /// The list of commands by category, with user definitions.
    public static func overview(definitions: [String: Definition]) -> String {
        let keywords = Keyword.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        var lines = ["red commands (help COMMAND for options; \(keywords) for scripting):"]
        let width = (CommandTable.all.map(\.name.count).max() ?? 8) + 2
        for cat in CommandTable.categories {
            lines.append("")
            lines.append(cat + ":")
            for c in CommandTable.all where c.category == cat {
                lines.append("  " + c.name.padding(toLength: width, withPad: " ", startingAt: 0) + c.help)
            }
        }
        if !definitions.isEmpty {
            lines.append("")
            lines.append("defined (def / standard library):")
            lines.append("  " + definitions.keys.sorted().joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// One command's usage, variants, options with defaults, and examples.
    public static func command(_ c: CommandSpec, variant: String? = nil) -> String {
        var lines = ["\(c.name) \(c.arguments)" + (c.takesName ? " [as NAME]" : ""), "  \(c.help)"]
        let variants = variant.flatMap { v in c.variants.filter { $0.name == v } } ?? c.variants
        let opts = c.options
        if !opts.isEmpty { lines.append("options:"); lines += opts.map(optionLine) }
        for v in variants {
            lines.append("\(c.name) \(v.name)" + (v.arguments.isEmpty ? "" : " \(v.arguments)") + ": \(v.help)")
            lines += v.options.map(optionLine)
        }
        let ex = variant == nil ? c.examples : c.examples.filter { $0.contains(" \(variant ?? "") ") || $0.hasSuffix(" \(variant ?? "")") }
        if !ex.isEmpty { lines.append("examples:"); lines += ex.map { "  " + $0 } }
        return lines.joined(separator: "\n")
    }

    /// The values an option takes, as help shows them: every choice, never shortened.
    static func values(_ o: OptionSpec) -> String {
        switch o.kind {
        case .number: return "NUMBER"
        case .integer: return "N"
        case .text: return "TEXT"
        case .path: return "\"FILE\""
        case let .choice(cs): return cs.joined(separator: "|")
        case .pair: return "N|WxH|A,B"
        case .flag: return "on|off"
        }
    }

    /// One option as a line of `help`: `name=VALUES`, padded to a column when it fits, the
    /// meaning and the default.
    static func optionLine(_ o: OptionSpec) -> String {
        let usage = "  \(o.name)=\(values(o))"
        let column = 34
        let padded = usage.count < column ? usage.padding(toLength: column, withPad: " ", startingAt: 0) : usage + " "
        let def = o.defaultValue == .none ? "" : " [\(o.defaultValue.text)]"
        return padded + " \(o.help)\(def)"
    }

    /// A keyword's form and meaning.
    static func keyword(_ k: Keyword) -> (usage: String, meaning: String) {
        switch k {
        case .let: return ("let NAME = VALUE", "set a variable; use it as $NAME (also inside strings and words: r_$w)")
        case .for: return ("for NAME in [A, B, …] { … }", "run the block once per item, with $NAME set")
        case .def: return ("def NAME a=1 b=2 { … $a … }", "define a new command with options and their defaults")
        case .if:
            return ("if A OP B { … } else { … }",
                    "run the first block when the comparison holds, else the second (optional); OP is ==, !=, <, <=, >, >=; numbers compare numerically, == and != also compare words, strings and lists")
        case .try:
            return ("try { … }",
                    "run the block; a statement that fails is reported as a warning and undone, the rest of the block is skipped, and the script goes on")
        }
    }

    /// `help KEYWORD`: the form on one line, the meaning indented below.
    static func keyword(_ name: String) -> String? {
        guard let k = Keyword(rawValue: name) else { return nil }
        let (usage, meaning) = keyword(k)
        return usage + "\n  " + meaning
    }
}
