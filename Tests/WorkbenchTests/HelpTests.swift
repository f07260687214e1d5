import Foundation
import ScriptLang
import Testing
@testable import Workbench

/// `help` and `Docs/commands.md` state what runs: every choice of every option, each solve
/// method's own default number of steps, every keyword; Markdown tables stay well-formed.
struct HelpTests {
    func session() -> (Session, () -> [String]) { SessionTests().session() }

    /// Every option of the table, with the variant it belongs to ("" for the command's own).
    static var allOptions: [(CommandSpec, String, OptionSpec)] {
        CommandTable.all.flatMap { c in c.options.map { (c, "", $0) } + c.variants.flatMap { v in v.options.map { (c, v.name, $0) } } }
    }

    @Test func helpShowsEveryChoiceInFull() {
        for (c, _, o) in HelpTests.allOptions {
            let line = Help.optionLine(o)
            #expect(line.contains("\(o.name)=\(Help.values(o))"), "help \(c.name): \(o.name) shortened: \(line)")
            #expect(line.contains(o.help))
            if case let .choice(cs) = o.kind { for w in cs { #expect(line.contains(w), "help \(c.name): \(o.name) lacks \(w)") } }
        }
        let (s, lines) = session()
        #expect(s.run("help solve reddiff", name: "t") == .success)
        #expect(lines().last?.contains("weight=snr|sqrt|square|log|trunc|const ") == true)
    }

    /// (method, the default number of steps of its paper's runs)
    static let stepDefaults: [(String, Int)] = [("reddiff", 1000), ("dps", 1000), ("pigdm", 100), ("ddrm", 20), ("ddim", 50)]

    @Test(arguments: stepDefaults) func helpAndDocsStateEachMethodsSteps(method: String, steps: Int) throws {
        let solve = try #require(CommandTable.spec("solve"))
        #expect(solve.integerDefault("steps", for: method) == steps)
        let help = Help.command(solve, variant: method)
        #expect(help.contains("steps=N") && help.contains("number of diffusion steps [\(steps)]"), "help solve \(method): \(help)")
        #expect(Help.markdown().contains("| `steps` | \(method) | `N` | `\(steps)` |"))
    }

    /// The default the table states is the one a solve runs with.
    @Test(arguments: stepDefaults) func theStatedStepsRun(method: String, steps: Int) {
        let (s, _) = session()
        #expect(s.run("set progress=off; prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure; solve \(method)", name: "t") == .success)
        #expect(s.state.traces[method]?.rows.count == steps)
    }

    @Test func pinvTakesNoSteps() throws {
        let solve = try #require(CommandTable.spec("solve"))
        #expect(solve.integerDefault("steps", for: "pinv") == nil)
        #expect(!Help.command(solve, variant: "pinv").contains("steps="))
        let (s, _) = session()
        guard case let .syntaxErrors(ds) = s.run("solve pinv steps=5", name: "t") else { Issue.record("expected a static error"); return }
        #expect(ds.first?.description.contains("option 'steps' does not apply to 'solve pinv'") == true)
    }

    @Test func markdownTablesEscapeBars() {
        var columns: Int?
        for line in Help.markdown().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            // cell separators: bars not escaped by a backslash
            var bars = 0, previous: Character = " "
            for ch in line { if ch == "|", previous != "\\" { bars += 1 }; previous = ch }
            if let columns { #expect(bars == columns, "a table row with \(bars - 1) cells: \(line)") } else { columns = bars }
        }
        #expect(Help.markdown().contains("`snr\\|sqrt\\|square\\|log\\|trunc\\|const`"))
    }

    @Test func everyKeywordHasHelp() {
        #expect(CommandTable.keywords == Keyword.allCases.map(\.rawValue))
        let markdown = Help.markdown()
        let (s, lines) = session()
        #expect(s.run("help", name: "t") == .success)
        let overview = lines().last ?? ""
        for k in Keyword.allCases {
            let (usage, meaning) = Help.keyword(k)
            #expect(usage.hasPrefix(k.rawValue + " "))
            #expect(markdown.contains("| \(Help.code(usage)) | \(Help.cell(meaning)) |"), "Docs/commands.md lacks '\(k.rawValue)'")
            #expect(overview.contains("`\(k.rawValue)`"))
            #expect(s.run("help \(k.rawValue)", name: "t") == .success)
            #expect(lines().last == usage + "\n  " + meaning)
        }
        for k in ["if", "try"] { #expect(markdown.contains("| `\(k) "), "Docs/commands.md lacks '\(k)'") }
    }
}
