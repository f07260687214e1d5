import Foundation
import ScriptLang
import Testing
@testable import Workbench
import TensorCore

struct SessionTests {
    func session() -> (Session, () -> [String]) {
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let s = Session(output: { box.lines.append($0) }, status: { _ in })
        return (s, { box.lines })
    }

    @Test func failedStatementChangesNothing() {
        let (s, _) = session()
        #expect(s.run("let a = 1; def f x=1 { let a = $x }", name: "<prompt>") == .success)
        // the loop sets a, then fails on its second item: the whole statement is undone
        let r = s.run("for v in [5, $missing] { let a = $v }", name: "<prompt>")
        guard case .runtimeError = r else { Issue.record("expected a runtime error"); return }
        #expect(s.state.variables["a"] == .number(1))
        #expect(s.state.variables["v"] == nil)
        #expect(s.run("f x=7", name: "<prompt>") == .success)
        #expect(s.state.variables["a"] == .number(7))
        #expect(s.state.variables["x"] == nil)  // parameters are local
    }

    @Test func sessionScriptRecordsSucceededStatementsAndSeed() {
        let (s, _) = session()
        s.setSeed(5)
        _ = s.run("let a = 2", name: "<prompt>")
        _ = s.run("print $nope", name: "<prompt>")
        _ = s.run("set seed=9; print \"a is $a\"", name: "<prompt>")
        #expect(s.sessionScript == "# red session\nset seed=5\nlet a = 2\nset seed=9\nprint \"a is $a\"\n")
    }

    /// `show` and `help solve` list the settings in force for RED-diff and for every other
    /// sampler the prior recommends settings for, with where they come from.
    @Test func showListsEverySamplersSettingsFromThePrior() {
        let (s, lines) = session()
        _ = s.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        #expect(s.run("load \"Stdlib/images/coffee-64.png\"; deblur_gauss; prior unet; show; help solve", name: "<prompt>") == .success)
        let text = lines().joined(separator: "\n")
        #expect(text.contains("solve   reddiff for deblurring:"))
        #expect(text.contains("pigdm for deblurring: n=1 keep=all steps=25 eta=1 scale=1 form=noisy (from the prior: steps, form; the rest official defaults)"))
        #expect(text.contains("ddrm for deblurring:"))
        #expect(!text.contains("dps for deblurring"))   // unet recommends nothing for DPS
    }

    /// `unet` recommends a warm start on a grid below t = 100 for inpainting; asking for more steps
    /// than that grid has runs them on the full grid instead of failing on an option never typed,
    /// and an explicit `tmax` still wins.
    @Test func explicitStepsAboveThePriorsTimeGridRunOnTheFullGrid() {
        let (s, _) = session()
        _ = s.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        #expect(s.run("load \"Stdlib/images/coffee-64.png\"; inpaint_random; measure; prior unet", name: "<prompt>") == .success)
        #expect(s.run("solve reddiff steps=150 stop=1", name: "<prompt>") == .success)
        guard case let .runtimeError(d) = s.run("solve reddiff steps=150 tmax=100 stop=1", name: "<prompt>") else {
            Issue.record("expected a runtime error"); return
        }
        #expect(d.message.contains("expected at most tmax=100 steps"))
    }

    /// `prior … settings=official` sets the file's recommendations aside (the paper scripts
    /// reproduce the official configurations with it); `show` says so.
    @Test func officialSettingsSetThePriorsRecommendationsAside() {
        let (s, lines) = session()
        _ = s.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        #expect(s.run("load \"Stdlib/images/coffee-64.png\"; inpaint_random; prior unet settings=official; show", name: "<prompt>") == .success)
        var text = lines().joined(separator: "\n")
        #expect(text.contains("prior   unet settings=official"))
        #expect(text.contains("reddiff for inpainting: n=1 keep=all steps=1000 lr=0.1"))
        #expect(text.contains("(official defaults; settings=official)"))
        #expect(!text.contains("pigdm for inpainting"))
        #expect(s.run("prior unet; show", name: "<prompt>") == .success)
        text = lines().joined(separator: "\n")
        #expect(text.contains("init=classical"))
        #expect(text.contains("pigdm for inpainting"))
    }

    /// Phase retrieval is a task family of its own, HDR is `other`.
    @Test(arguments: [("phase_retrieval", "phase-retrieval"), ("hdr_task", "other"), ("sr4", "super-resolution")])
    func showNamesTheTaskFamily(task: String, family: String) {
        let (s, lines) = session()
        _ = s.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        #expect(s.run("load \"Stdlib/images/coffee-64.png\"; \(task); prior unet; show", name: "<prompt>") == .success)
        #expect(lines().joined(separator: "\n").contains("solve   reddiff for \(family):"))
    }

    @Test func completionOfCommandsOptionsAndValues() {
        let (s, _) = session()
        #expect(s.completions(line: "sol") == ["solve"])
        #expect(s.completions(line: "solve red") == ["reddiff"])
        #expect(s.completions(line: "solve reddiff we") == ["weight="])
        #expect(s.completions(line: "solve reddiff weight=sq") == ["weight=sqrt", "weight=square"])
        #expect(s.completions(line: "blur gaussian si") == ["sigma=", "size="])
        #expect(s.completions(line: "set pro") == ["progress="])
    }

    @Test func helpCoversEveryCommandAndOption() {
        let (s, lines) = session()
        for c in CommandTable.all {
            #expect(s.run("help \(c.name)", name: "t") == .success)
            let text = lines().last ?? ""
            for o in c.options(for: nil) { #expect(text.contains("\(o.name)="), "help \(c.name) lacks \(o.name)") }
            for v in c.variants { for o in v.options { #expect(text.contains("\(o.name)="), "help \(c.name) lacks \(o.name)") } }
        }
        #expect(s.run("help", name: "t") == .success)
        #expect(lines().last?.contains("solve") == true)
    }

    @Test func quitEndsTheRun() {
        let (s, lines) = session()
        #expect(s.run("print a; quit; print b", name: "t") == .quit)
        #expect(lines() == ["a"])
    }
}

struct ReproducibilityTests {
    /// `save session` writes a script that rebuilds the same state bit for bit.
    @Test func savedSessionReproducesTheState() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("red-session-\(getpid()).red").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let a = Session(seed: 11, output: { _ in }, status: { _ in })
        for line in ["prior gmm grid dim=4", "sample prior", "sense rows=2", "noise 0.3", "print $oops", "measure",
                     "solve reddiff n=3 steps=20 lr=0.1 as r", "save session \"\(path)\""] {
            _ = a.run(line, name: "<prompt>")
        }
        let b = Session(output: { _ in }, status: { _ in })
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(b.run(text, name: path) == .success)
        #expect(a.state.x?.tensor == b.state.x?.tensor)
        #expect(a.state.y?.tensor == b.state.y?.tensor)
        #expect(a.state.values["r"]?.tensor == b.state.values["r"]?.tensor)
        #expect(a.state.values["r"] != nil)
        #expect(!text.contains("oops"))
    }
}

/// Recursion stops with a message that states the limit that applies.
struct NestingTests {
    @Test func recursiveDefinitionStatesTheCallLimit() {
        let s = Session(output: { _ in }, status: { _ in })
        guard case let .runtimeError(d) = s.run("def f { f }\nf", name: "t") else { Issue.record("expected a runtime error"); return }
        #expect(d.description.contains("'f' calls itself too deeply (more than \(Session.maxCallDepth) nested calls)"))
        #expect(Session.maxCallDepth == 64)
    }

    @Test func recursiveRunStatesTheRunLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("red-nesting-\(getpid()).red").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "run \"\(path)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let s = Session(output: { _ in }, status: { _ in })
        guard case let .runtimeError(d) = s.run("run \"\(path)\"", name: "t") else { Issue.record("expected a runtime error"); return }
        #expect(d.description.contains("'run \"\(path)\"' is nested too deeply (more than \(Session.maxRunDepth) nested runs and calls)"))
        #expect(Session.maxRunDepth == 16)
        #expect(!d.description.contains("more than \(Session.maxCallDepth)"))   // not the call limit (the path may hold any digits)
    }
}

/// `keep=fit` keeps the one of n solutions whose A(x) is closest to y.
struct SolutionSelectionTests {
    @Test func keepFitStoresTheBestFittingSolution() throws {
        let s = Session(seed: 5, output: { _ in }, status: { _ in })
        for line in ["prior gmm grid dim=4", "sample prior", "sense rows=2", "noise 0.3", "measure",
                     "set seed=9", "solve reddiff n=3 steps=20 lr=0.1 as all", "set seed=9", "solve reddiff n=3 steps=20 lr=0.1 keep=fit as fit"] {
            #expect(s.run(line, name: "<prompt>") == .success, "\(line)")
        }
        let all = try #require(s.state.values["all"]?.tensor), fit = try #require(s.state.values["fit"]?.tensor)
        let problem = try s.currentProblem()
        let misfit = (0..<3).map { (problem.y - problem.op.apply(all.item($0))).squaredNorm() }
        let best = try #require(misfit.indices.min { misfit[$0] < misfit[$1] })
        #expect(fit == all.item(best))
        #expect(s.state.values["fit"]?.isBatch == false)
        #expect(s.run("solve reddiff keep=best", name: "<prompt>") != .success)
    }
}
