/// `help` text, generated from the command table.
public enum Help {
    /// The list of commands by category, with user definitions.
    public static func overview(definitions: [String: Definition]) -> String {
        var lines = ["red commands (help COMMAND for options; `let`, `for`, `def`, `if`, `try` for scripting):"]
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

    static func optionLine(_ o: OptionSpec) -> String {
        var kind: String
        switch o.kind {
        case .number: kind = "NUMBER"
        case .integer: kind = "N"
        case .text: kind = "TEXT"
        case .path: kind = "\"FILE\""
        case let .choice(cs): kind = cs.joined(separator: "|")
        case .pair: kind = "N|WxH|A,B"
        case .flag: kind = "on|off"
        }
        let def = o.defaultValue.isEmpty ? "" : " [\(o.defaultValue)]"
        return "  \(o.name)=\(kind)".padding(toLength: 34, withPad: " ", startingAt: 0) + " \(o.help)\(def)"
    }

    static func keyword(_ k: String) -> String {
        switch k {
        case "let": return "let NAME = VALUE\n  set a variable; use it as $NAME (also inside strings and words: r_$w)"
        case "for": return "for NAME in [A, B, …] { … }\n  run the block once per item, with $NAME set"
        case "if": return "if A OP B { … } else { … }\n  run the first block when the comparison holds, else the second (optional); OP is ==, !=, <, <=, >, >=; numbers compare numerically, == and != also compare words, strings and lists"
        case "try": return "try { … }\n  run the block; a statement that fails is reported as a warning and undone, the rest of the block is skipped, and the script goes on"
        default: return "def NAME a=1 b=2 { … $a … }\n  define a new command with options and their defaults"
        }
    }
}
