import Foundation
import Testing
@testable import Workbench

/// `Docs/commands.md` is generated from the command table and must match it
/// (`RECORD_DOCS=1` rewrites it).
struct DocsTests {
    @Test func commandReferenceIsCurrent() throws {
        let url = GoldenTests.root.appendingPathComponent("Docs/commands.md")
        let generated = Help.markdown()
        if ProcessInfo.processInfo.environment["RECORD_DOCS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: url, encoding: .utf8)
        #expect(stored == generated, "Docs/commands.md is stale: RECORD_DOCS=1 swift test --filter DocsTests")
    }
}
