import Foundation
import ScriptLang
import TensorCore
import Testing
@testable import Workbench

/// Real observations: `observe` makes y given and x unknown; A's input shape is inferred from y;
/// restoring through `observe` gives the numbers of the synthetic path.
@Suite(.serialized) struct ObserveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var hasNaturalPrior: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("Stdlib/priors/natural.safetensors").path)
    }

    /// Runs `text` in a fresh session; `@/` in it stands for the scratch folder `dir` (the working
    /// directory is not changed: other suites run in parallel). Returns the outcome, output lines and the session.
    func run(_ text: String, in dir: URL) -> (Session.Outcome, [String], Session) {
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let text = text.replacingOccurrences(of: "@/", with: dir.path + "/")
        let s = Session(output: { box.lines.append(contentsOf: $0.split(separator: "\n").map(String.init)) }, status: { _ in })
        s.stdlibDirectory = ObserveTests.root.appendingPathComponent("Stdlib").path
        let outcome = s.run(text, name: "t.red")
        s.close()
        return (outcome, box.lines, s)
    }

    func scratch(_ tag: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("red-observe-\(getpid())-\(tag)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// (task statements, load options, expected x shape from y)
    static let tasks: [(String, String, [Int])] = [
        ("downsample 4", "", [3, 64, 64]),
        ("mask random 0.5", "", [3, 64, 64]),
        ("blur gaussian sigma=2 size=9", "", [3, 64, 64]),
        ("blur motion length=9 angle=30", "", [3, 64, 64]),
        ("colorize", "", [3, 64, 64]),
        ("downsample 2; mask random 0.3", "", [3, 64, 64]),
        ("blur uniform size=5", " gray", [1, 64, 64]),
    ]

    @Test(.enabled(if: hasNaturalPrior), arguments: tasks.indices) func observedPathMatchesSyntheticPath(_ i: Int) throws {
        let (task, gray, shape) = ObserveTests.tasks[i]
        let dir = try scratch("paths-\(i)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = ObserveTests.root.appendingPathComponent("Stdlib/images/coffee-64.png").path
        // synthetic: x known, y measured and saved raw
        let (o1, out1, s1) = run("""
            load "\(image)"\(gray); \(task); noise 0.02; measure; save y "@/y.safetensors"
            prior natural; set seed=4; solve reddiff steps=15 lr=0.1; metrics to "@/m1.csv"
            """, in: dir)
        #expect(o1 == .success, "\(out1)")
        // observed: only y and A; x is unknown until the reference is loaded after the solve
        let (o2, out2, s2) = run("""
            observe "@/y.safetensors"; \(task); noise 0.02
            prior natural; set seed=4; solve reddiff steps=15 lr=0.1; metrics to "@/m2.csv"
            load "\(image)"\(gray); metrics to "@/m3.csv"
            """, in: dir)
        #expect(o2 == .success, "\(out2)")
        let r1 = try #require(s1.state.values["reddiff"]), r2 = try #require(s2.state.values["reddiff"])
        #expect(r2.tensor.shape == shape)
        #expect(r1.tensor.scalars == r2.tensor.scalars, "the two paths give the same bytes")
        let m1 = try String(contentsOf: dir.appendingPathComponent("m1.csv"), encoding: .utf8)
        let m2 = try String(contentsOf: dir.appendingPathComponent("m2.csv"), encoding: .utf8)
        let m3 = try String(contentsOf: dir.appendingPathComponent("m3.csv"), encoding: .utf8)
        // without x: PSNR and SSIM are blank, never zero; the residual and data loss are there
        let row2 = m2.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row2[1] == "" && row2[2] == "")
        #expect(Double(row2[3]) ?? 0 > 0 && Double(row2[5]) ?? 0 > 0)
        // with the reference loaded afterwards, the table equals the synthetic one (up to the time)
        func cells(_ csv: String) -> [Substring] {
            var c = csv.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
            c.remove(at: 4)
            return c
        }
        #expect(cells(m1) == cells(m3))
        #expect(out2.contains { $0.contains("x is unknown") })
    }

    /// (statements after observing a 64x48 RGB image, the error's expected fragment)
    static let errors: [(String, String)] = [
        ("measure", "'measure' makes y from a known x"),
        ("colorize", "'colorize' needs a gray observation"),
        ("sense 0.25", "cannot be inferred from a compressed-sensing observation"),
        ("mask \"m.png\"", "mask"),
        ("downsample 4; load \"big.png\"", "needs x of 256x192 RGB"),
        ("prior natural; solve dps steps=2; metrics", ""),
    ]

    @Test(arguments: errors.indices) func shapeInferenceErrors(_ i: Int) throws {
        let (statements, fragment) = ObserveTests.errors[i]
        let dir = try scratch("errors-\(i)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Image.save(Tensor(shape: [3, 48, 64], repeating: 0.5), to: dir.appendingPathComponent("y.png").path)
        try Image.save(Tensor(shape: [3, 50, 64], repeating: 0.5), to: dir.appendingPathComponent("big.png").path)
        try Image.save(Tensor(shape: [1, 32, 32], repeating: 1), to: dir.appendingPathComponent("m.png").path)
        let (outcome, _, s) = run("observe \"@/y.png\"\n" + statements.replacingOccurrences(of: "\"m.png\"", with: "\"@/m.png\"").replacingOccurrences(of: "\"big.png\"", with: "\"@/big.png\""), in: dir)
        if fragment.isEmpty {
            if !ObserveTests.hasNaturalPrior { return }
            #expect(outcome == .success)
            return
        }
        guard case let .runtimeError(d) = outcome else { Issue.record("expected an error for \(statements), got \(outcome)"); return }
        #expect(d.range.start.line == 2)
        #expect(d.message.contains(fragment), "\(d.message)")
        // the failed statement changed nothing: y is still the observation
        #expect(s.state.observedFrom == dir.path + "/y.png")
        #expect(s.state.y?.tensor.shape == [3, 48, 64])
    }

    @Test(.enabled(if: hasNaturalPrior)) func pinvNeedsNoPriorAndShapesAreInferred() throws {
        let dir = try scratch("pinv")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Image.save(Tensor(shape: [1, 20, 30], repeating: 0.25), to: dir.appendingPathComponent("g.png").path)
        let (outcome, out, s) = run("observe \"@/g.png\"; colorize; solve pinv; show; save result \"@/r.png\"; save grid \"@/grid.png\"", in: dir)
        #expect(outcome == .success, "\(out)")
        #expect(s.state.values["pinv"]?.tensor.shape == [3, 20, 30])
        #expect(out.contains { $0.hasPrefix("x       unknown") })
        #expect(try Image.load(path: dir.appendingPathComponent("r.png").path).shape == [3, 20, 30])
    }

    @Test(.enabled(if: hasNaturalPrior)) func interruptedSolveIsSavedWithTheStepsItTook() throws {
        let dir = try scratch("stop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = ObserveTests.root.appendingPathComponent("Stdlib/images/camera-64.png").path
        // a solve that is stopped after 7 of 40 steps equals the first 7 steps of the 40-step grid
        let (o1, _, s1) = run("load \"\(image)\"; mask random 0.5; prior natural; solve reddiff steps=40 lr=0.1 stop=7", in: dir)
        #expect(o1 == .success)
        #expect(s1.state.traces["reddiff"]?.rows.count == 7)
        // Ctrl-C (here: after the third progress update): the recorded statement carries stop=K,
        // and replaying the saved session gives the interrupted result, byte for byte
        final class Counter: @unchecked Sendable { var n = 0 }
        let counter = Counter()
        let s2 = Session(terminal: Terminal(isTerminal: true, width: 80), output: { _ in }, status: { _ in })
        s2.stdlibDirectory = ObserveTests.root.appendingPathComponent("Stdlib").path
        s2.progress = { [cancellation = s2.cancellation] _ in
            counter.n += 1
            if counter.n == 3 { cancellation.cancel() }
        }
        #expect(s2.run("load \"\(image)\"; mask random 0.5; prior natural", name: "<prompt>") == .success)
        #expect(s2.run("solve reddiff steps=400 lr=0.1", name: "<prompt>") == .success)
        let taken = try #require(s2.state.traces["reddiff"]?.rows.count)
        #expect(taken < 400)
        let script = s2.sessionScript
        #expect(script.contains("solve reddiff steps=400 lr=0.1 stop=\(taken)"))
        s2.close()
        let (o3, _, s3) = run(script, in: dir)
        #expect(o3 == .success)
        #expect(s3.state.values["reddiff"]?.tensor.scalars == s2.state.values["reddiff"]?.tensor.scalars)
    }
}
