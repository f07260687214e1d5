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

    /// `solve pinv` is one step: a bare `plot` says so (and names the solves that have curves)
    /// instead of drawing a one-point curve; `of=` a single-step solve is refused the same way.
    @Test func singleStepSolveHasNoCurve() {
        let (s, _) = session()
        #expect(s.run("set progress=off; prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure; solve pinv", name: "<test>") == .success)
        guard case let .runtimeError(d) = s.run("plot", name: "<test>") else { Issue.record("expected a runtime error"); return }
        #expect(d.description.contains("the last solve 'pinv' (pinv) has a single step: no curve to plot"))
        #expect(d.description.contains("no solve has more than one step yet"))
        #expect(s.run("solve reddiff steps=5 as r; solve pinv", name: "<test>") == .success)
        guard case let .runtimeError(e) = s.run("plot psnr", name: "<test>") else { Issue.record("expected a runtime error"); return }
        #expect(e.description.contains("plot one with of=NAME: r"))
        guard case let .runtimeError(f) = s.run("plot loss of=[r, pinv]", name: "<test>") else { Issue.record("expected a runtime error"); return }
        #expect(f.description.contains("the solve 'pinv' (pinv) has a single step"))
    }

    /// gnuplot's warnings (the file was written) are reported on the status channel, not as errors.
    @Test func gnuplotReportSortsWarningsFromErrors() {
        let text = """
        Warning: empty x range [2:2], adjusting to [1.98:2.02]
                 line 12: warning: Skipping data file with no valid points

        gnuplot> plot $D0 using 1:5
                                  ^
                 line 13: x range is invalid
        """
        let r = Gnuplot.Report(text)
        #expect(r.warnings == ["Warning: empty x range [2:2], adjusting to [1.98:2.02]", "line 12: warning: Skipping data file with no valid points"])
        #expect(r.errors == ["line 13: x range is invalid"])
        #expect(Gnuplot.Report("").warnings.isEmpty && Gnuplot.Report("").errors.isEmpty)
    }

    /// An SSIM curve with one computed value (an interrupted solve): gnuplot warns of an empty
    /// range and writes the file; the plot succeeds and the warning goes to the status channel.
    @Test(.enabled(if: hasGnuplot && ObserveTests.hasNaturalPrior)) func gnuplotWarningIsNotAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("red-plot-warn-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let s = Session(output: { _ in }, status: { box.lines.append($0) })
        let root = ObserveTests.root.path
        let setup = "set progress=off; load \"\(root)/Stdlib/images/coffee-64.png\"; downsample 4; noise 0.05; prior \"\(root)/Stdlib/priors/natural.safetensors\""
        #expect(s.run(setup + "; solve reddiff steps=20 stop=2 as r", name: "<test>") == .success)
        #expect(s.state.traces["r"]?.rows.filter { $0.ssim.isFinite }.count == 1)
        #expect(s.run("plot ssim to \"\(dir)/ssim.svg\"", name: "<test>") == .success)
        #expect(FileManager.default.fileExists(atPath: dir + "/ssim.svg"))
        #expect(box.lines.contains { $0.hasPrefix("gnuplot: ") && $0.lowercased().contains("warning") }, "status: \(box.lines)")
        s.close()
    }
}
