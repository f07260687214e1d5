import Foundation
import Testing
import TensorCore
@testable import Workbench

/// The command table is the one source of the language: every entry is well-formed and runs, and
/// every default it states (what `help` and `Docs/commands.md` show) is the default that runs.
struct CommandTableTests {
    /// Every option of the table with its command and variant ("" for the command's own).
    static var allOptions: [(CommandSpec, String, OptionSpec)] { HelpTests.allOptions }

    @Test func namesAreUniqueAndEveryEntryRuns() {
        let names = CommandTable.names
        #expect(Set(names).count == names.count)
        #expect(Set(names).isDisjoint(with: CommandTable.keywords))
        for c in CommandTable.all {
            #expect(CommandTable.categories.contains(c.category), "\(c.name): unknown category \(c.category)")
            #expect(Set(c.variants.map(\.name)).count == c.variants.count, "\(c.name): repeated variant")
            for v in [nil] + c.variants.map(\.name) {
                let keys = c.options(for: v).map(\.name)
                #expect(Set(keys).count == keys.count, "\(c.name) \(v ?? ""): an option stated twice")
            }
            // the handler runs: `help` of the command reaches its own handler through the table
            let (s, _) = SessionTests().session()
            #expect(s.run("help \(c.name)", name: "t") == .success)
        }
    }

    /// Each default has the option's own type and lies within its bounds.
    @Test func defaultsHaveTheOptionsType() {
        for (c, v, o) in Self.allOptions {
            let at = "\(c.name) \(v) \(o.name)"
            switch (o.kind, o.defaultValue) {
            case (_, .none): break
            case let (.number, .number(x)): #expect(within(x, o.bounds), "\(at): default \(x) outside its bounds")
            case let (.integer, .integer(n)): #expect(within(Double(n), o.bounds), "\(at): default \(n) outside its bounds")
            case let (.choice(words), .word(w)): #expect(words.contains(w), "\(at): default \(w) is not a choice")
            case (.flag, .flag): break
            default: Issue.record("\(at): default \(o.defaultValue) does not fit kind \(o.kind)")
            }
        }
    }

    func within(_ x: Double, _ b: OptionBounds) -> Bool {
        if let lo = b.min, b.exclusiveMin ? x <= lo : x < lo { return false }
        if let hi = b.max, x > hi { return false }
        return true
    }

    /// `statement` with every option the table gives a default written out with that default.
    static func spelledOut(_ statement: String) -> String {
        let words = statement.split(separator: " ").map(String.init)
        guard let spec = CommandTable.spec(words[0]) else { return statement }
        let variant = words.count > 1 ? words[1] : nil
        let explicit = spec.options(for: variant).filter { $0.defaultValue != .none }.map { "\($0.name)=\($0.defaultValue.text)" }
        return ([statement] + explicit).joined(separator: " ")
    }

    /// (setup, statement, what to compare): a statement left to its defaults and the same with
    /// every default spelled out give the same bytes.
    static let cases: [(String, String)] = {
        let image = "load \"\(GoldenTests.root.path)/Stdlib/images/coffee-64.png\"; "
        let vector = "prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure; "
        return [
            (vector, "solve reddiff"), (vector, "solve dps"), (vector, "solve pigdm"), (vector, "solve ddrm"),
            (vector, "solve ddim"), (vector, "sample posterior"),
            (image, "blur gaussian"), (image, "blur uniform"), (image, "blur motion"),
            (image, "downsample 4"), (image, "phase"), (image, "hdr"),
            ("", "prior gmm grid"), ("prior gmm grid dim=8; ", "sample prior"),
        ]
    }()

    @Test(arguments: cases) func theStatedDefaultsRun(setup: String, statement: String) throws {
        func outcome(_ s: String) throws -> [[Float]] {
            let (session, _) = SessionTests().session()
            // what the statement made, seen through a measurement (degradations) or a draw (priors)
            let after = setup.hasPrefix("load") ? "; measure" : s.hasPrefix("prior") ? "; sample prior" : ""
            let result = session.run("set progress=off; " + setup + s + after, name: "t")
            #expect(result == .success, "\(s): \(result)")
            let st = session.state
            return ([st.x, st.y] + st.order.map { st.values[$0] }).compactMap { $0?.tensor.scalars }
        }
        let spelled = Self.spelledOut(statement)
        #expect(spelled != statement, "\(statement): no default to check")
        let bare = try outcome(statement), explicit = try outcome(spelled)
        #expect(!bare.isEmpty)
        #expect(bare == explicit, "'\(statement)' and '\(spelled)' differ")
    }
}
