import Foundation
import ScriptLang
import Testing
@testable import Workbench

/// `plot … of=[A, B]` overlays named solves; unknown names are a diagnostic, not a crash.
struct PlotTests {
    static let hasGnuplot = Gnuplot.locate() != nil

    func session() -> (Session, () -> [String]) {
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let s = Session(output: { box.lines.append($0) }, status: { _ in })
        return (s, { box.lines })
    }

    @Test(.enabled(if: hasGnuplot)) func overlaysNamedSolves() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("red-plot-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, _) = session()
        let setup = "set progress=off; prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure"
        #expect(s.run(setup, name: "<test>") == .success)
        #expect(s.run("solve reddiff steps=20 as first; solve pigdm steps=10 as second", name: "<test>") == .success)
        #expect(s.run("plot loss of=[first, second] to \"\(dir)/both.svg\"", name: "<test>") == .success)
        let svg = try String(contentsOfFile: dir + "/both.svg", encoding: .utf8)
        #expect(svg.contains("first data loss") && svg.contains("second data loss"))
        #expect(svg.contains("first vs second"))
        #expect(s.run("plot loss of=first to \"\(dir)/one.svg\"", name: "<test>") == .success)
        #expect(FileManager.default.fileExists(atPath: dir + "/one.svg"))
    }

    @Test func unknownSolveIsADiagnostic() {
        let (s, _) = session()
        #expect(s.run("set progress=off; prior gmm grid dim=8; sample prior; sense rows=2; measure; solve reddiff steps=3 as base", name: "<test>") == .success)
        guard case let .runtimeError(d) = s.run("plot loss of=[base, bsae]", name: "<test>") else {
            Issue.record("expected a runtime error"); return
        }
        #expect(d.description.contains("no solve named 'bsae'") && d.description.contains("did you mean 'base'"))
    }
}
