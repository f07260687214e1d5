import ScriptLang

extension Help {
    /// The command reference as Markdown, generated from the command table (`Docs/commands.md`).
    public static func markdown() -> String {
        var out = ["# `red` commands", "",
                   "Generated from the command table (`Sources/Workbench/CommandTable*.swift`) — the same table that",
                   "runs each command and is behind `help`, tab completion and the static checks. Regenerate with",
                   "`RECORD_DOCS=1 swift test -c release -Xswiftc -enable-testing --filter DocsTests`.", "",
                   "## Scripting keywords", "",
                   "| form | meaning |", "| --- | --- |"]
        for k in Keyword.allCases {
            let (usage, meaning) = keyword(k)
            out.append("| \(code(usage)) | \(cell(meaning)) |")
        }
        out.append("")
        for cat in CommandTable.categories {
            out.append("## \(cat)")
            out.append("")
            for c in CommandTable.all where c.category == cat {
                out.append("### `\(c.name)` \(c.arguments.isEmpty ? "" : "`\(c.arguments)`")\(c.takesName ? " `[as NAME]`" : "")")
                out.append("")
                out.append(c.help)
                out.append("")
                let rows = c.options.map { ("", $0) } + c.variants.flatMap { v in v.options.map { (v.name, $0) } }
                if !c.variants.isEmpty {
                    out.append("Kinds: " + c.variants.map { "`\($0.name)`" + ($0.arguments.isEmpty ? "" : " `\($0.arguments)`") + " — \($0.help)" }.joined(separator: "; ") + ".")
                    out.append("")
                }
                if !rows.isEmpty {
                    out.append("| option | kind | values | default | meaning |")
                    out.append("| --- | --- | --- | --- | --- |")
                    for (v, o) in rows {
                        out.append("| `\(o.name)` | \(v.isEmpty ? "all" : v) | \(code(values(o))) | \(o.defaultValue == .none ? "—" : code(o.defaultValue.text)) | \(cell(o.help)) |")
                    }
                    out.append("")
                }
                if !c.examples.isEmpty {
                    out.append("```")
                    out += c.examples
                    out.append("```")
                    out.append("")
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// Text for a Markdown table cell: `|` escaped, so it does not end the cell (also inside code).
    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    /// `text` as inline code in a table cell.
    static func code(_ text: String) -> String { "`" + cell(text) + "`" }
}
