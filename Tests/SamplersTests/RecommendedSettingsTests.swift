import Foundation
import Testing
@testable import Samplers

@Suite struct RecommendedSettingsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Scripts/set-prior-settings.py` checks the family names it writes against the same list.
    @Test func theWritingScriptKnowsEveryFamily() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Scripts/set-prior-settings.py"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("FAMILIES = {") })
        let names = Set(line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        #expect(names == Set(RecommendedSettings.TaskFamily.allCases.map(\.rawValue) + ["default"]))
    }

    /// A family's entry overrides `default`; a family named in no entry gets `default`'s.
    @Test(arguments: RecommendedSettings.TaskFamily.allCases)
    func familyEntriesOverrideTheDefault(family: RecommendedSettings.TaskFamily) throws {
        let s = try RecommendedSettings(json: #"{"reddiff": {"default": {"steps": "250", "lr": "0.1"}, "phase-retrieval": {"lr": "0.8"}}}"#)
        #expect(s.options(method: "reddiff", family: family) == ["steps": "250", "lr": family == .phaseRetrieval ? "0.8" : "0.1"])
        #expect(s.options(method: "dps", family: family).isEmpty)
    }
}
