import Foundation
import ScriptLang
import Testing
@testable import Workbench

/// The front-end protocol (`red --kernel`): golden request → events pairs
/// (`Golden/Kernel/protocol.jsonl`), and the rich events that vary by run (images, progress, tables).
struct KernelTests {
    static let golden = GoldenTests.folder.appendingPathComponent("Kernel/protocol.jsonl")

    /// A kernel on a fresh session with the standard library, collecting event lines.
    final class Harness: @unchecked Sendable {
        final class Lines: @unchecked Sendable { var items: [String] = [] }
        let sink = Lines()
        let kernel: KernelServer
        var lines: [String] {
            get { sink.items }
            set { sink.items = newValue }
        }

        init() {
            let session = Session()
            _ = session.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
            let sink = self.sink
            kernel = KernelServer(session: session) { sink.items.append($0) }
        }

        /// The events of one request, decoded.
        func events(_ request: String) -> [[String: Any]] {
            lines = []
            kernel.handle(line: request)
            return lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func execute(_ code: String) -> [[String: Any]] {
            let object: [String: Any] = ["id": 1, "type": "execute", "code": code]
            let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            return events(String(decoding: data, as: UTF8.self))
        }
    }

    @Test func goldenRequestsAndEvents() throws {
        let text = try String(contentsOf: KernelTests.golden, encoding: .utf8)
        let h = Harness()
        defer { h.kernel.session.close() }
        var recorded: [String] = [], expected: [String] = [], got: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("< ") { expected.append(String(line.dropFirst(2))); continue }
            recorded.append(line)
            guard line.hasPrefix("> ") else { continue }
            h.lines = []
            h.kernel.handle(line: String(line.dropFirst(2)))
            got += h.lines
            recorded += h.lines.map { "< " + $0 }
        }
        if ProcessInfo.processInfo.environment["RECORD_KERNEL"] == "1" {
            try (recorded.joined(separator: "\n")).write(to: KernelTests.golden, atomically: true, encoding: .utf8)
            return
        }
        #expect(got.count == expected.count, "event count; RECORD_KERNEL=1 rewrites Golden/Kernel/protocol.jsonl")
        for (g, e) in zip(got, expected) { #expect(g == e) }
    }

    /// PNG width and height from the IHDR chunk of base64 data.
    static func pngSize(_ base64: String?) -> (Int, Int)? {
        guard let base64, let data = Data(base64Encoded: base64) else { return nil }
        return Session.pngSize([UInt8](data))
    }

    @Test func imagesAreShownAsPNGAtTheirOwnSize() throws {
        let h = Harness()
        defer { h.kernel.session.close() }
        #expect(h.execute("load \"Stdlib/images/coffee-64.png\"\nsr4").last?["status"] as? String == "ok")
        for (code, size) in [("view x", (64, 64)), ("view x width=128", (128, 128)), ("view y", (64, 64)), ("view x width=40", (40, 40))] {
            let events = h.execute(code)
            #expect(events.count == 2, "\(code)")
            let data = events.first?["data"] as? [String: String]
            let size2 = KernelTests.pngSize(data?["image/png"])
            #expect(size2?.0 == size.0 && size2?.1 == size.1, "\(code)")
            let meta = (events.first?["metadata"] as? [String: Any])?["image/png"] as? [String: Int]
            #expect(meta?["width"] == size.0 && meta?["height"] == size.1, "\(code)")
            #expect(data?["text/plain"]?.contains("\(size.0)x\(size.1) image") == true)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("red-kernel-grid-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let saved = h.execute("save grid \"\(path)\"")
        #expect(saved.first?["type"] as? String == "display")
        let shown = ((saved.first?["data"] as? [String: String])?["image/png"]).flatMap { Data(base64Encoded: $0) }
        #expect(shown == (try Data(contentsOf: URL(fileURLWithPath: path))), "the display is the file it wrote")
    }

    @Test func tablesCarryTheTerminalText() throws {
        let setup = "prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure; sample posterior n=50 as a; sample posterior n=60 as b"
        let h = Harness()
        defer { h.kernel.session.close() }
        #expect(h.execute(setup).last?["status"] as? String == "ok")
        var printed: [String] = []
        let plain = Session(output: { printed.append($0) }, status: { _ in })
        _ = plain.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        #expect(plain.run(setup, name: "<test>") == .success)
        for (code, title) in [("show", "red-show"), ("compare a b", "red-compare"), ("metrics", "red-metrics")] {
            printed = []
            #expect(plain.run(code, name: "<test>") == .success)
            let events = h.execute(code)
            let data = events.first?["data"] as? [String: String]
            #expect(data?["text/html"]?.hasPrefix("<table class=\"\(title)\">") == true, "\(code)")
            #expect(data?["text/plain"] == printed.joined(separator: "\n"), "\(code): the plain text is what the terminal shows")
        }
        let metrics = h.execute("metrics").first?["data"] as? [String: String]
        #expect(metrics?["text/html"]?.contains("<th>psnr</th>") == true)
        #expect(metrics?["text/html"]?.contains("<td style=\"text-align:left\">b</td><td>—</td>") == true)
    }

    @Test func progressIsOneLineEndingDone() throws {
        let h = Harness()
        defer { h.kernel.session.close() }
        let events = h.execute("prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure\nsolve reddiff steps=40 as r\nsolve dps steps=30 stop=12 as d")
        let progress = events.filter { $0["type"] as? String == "progress" }
        let ids = progress.compactMap { $0["progress_id"] as? String }
        #expect(Array(Set(ids)).sorted() == ["p1", "p2"])
        let first = progress.filter { $0["progress_id"] as? String == "p1" }
        #expect(first.filter { $0["done"] as? Bool == true }.count == 1)
        #expect(first.last?["done"] as? Bool == true && first.last?["step"] as? Int == 40 && first.last?["total"] as? Int == 40)
        #expect((first.last?["text"] as? String)?.hasPrefix("r: 40/40 steps, loss ") == true)
        let steps = first.compactMap { $0["step"] as? Int }
        #expect(steps == steps.sorted())
        let second = progress.filter { $0["progress_id"] as? String == "p2" }
        #expect(second.last?["done"] as? Bool == true && second.last?["step"] as? Int == 12 && second.last?["label"] as? String == "d")
        #expect(events.last?["status"] as? String == "ok")
        // set progress=off: no progress events
        #expect(!h.execute("set progress=off\nsolve reddiff steps=5").contains { $0["type"] as? String == "progress" })
    }

    @Test func trainDrawsOneProgressLinePerStage() throws {
        let h = Harness()
        defer { h.kernel.session.close() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("red-kernel-train-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let events = h.execute("train patch \"Stdlib/images\" to \"\(out)\" components=2 chroma=1 iterations=3 patches=1000 size=32")
        #expect(events.last?["status"] as? String == "ok")
        let progress = events.filter { $0["type"] as? String == "progress" }
        #expect(progress.map { $0["label"] as? String ?? "" } == ["train luma", "train luma", "train luma", "train chroma", "train chroma", "train chroma"])
        #expect(progress.filter { $0["done"] as? Bool == true }.compactMap { $0["progress_id"] as? String } == ["p1", "p2"])
        #expect((progress.last?["text"] as? String)?.hasPrefix("train chroma: 3/3 iterations, log-likelihood ") == true)
        let text = events.filter { $0["type"] as? String == "stream" }.compactMap { $0["text"] as? String }
        #expect(text.count == 2 && !text.joined().contains("iteration 1/3"), "the header and the result; no line per iteration")
    }

    @Test(.enabled(if: PlotTests.hasGnuplot)) func plotsAreShownInline() throws {
        let h = Harness()
        defer { h.kernel.session.close() }
        _ = h.execute("set progress=off; prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure; solve reddiff steps=20 as r")
        let events = h.execute("plot loss")
        #expect(events.count == 2)
        let data = events.first?["data"] as? [String: String]
        if let png = data?["image/png"] {
            let size = KernelTests.pngSize(png)
            #expect(size?.0 == 800 && size?.1 == 500)
        } else {
            #expect(data?["image/svg+xml"]?.contains("<svg") == true)
        }
        #expect(data?["text/plain"]?.contains("r: reddiff") == true)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
        #expect(!left.contains { $0.hasPrefix("red-plot-\(getpid())-") }, "temporary plot files are removed")
    }

    @Test func suggestionsComeFromTheMessage() {
        #expect(KernelError.suggestion(in: "unknown command 'slove'; did you mean 'solve'?") == "solve")
        #expect(KernelError.suggestion(in: "factor=3 does not fit") == nil)
    }

    @Test(.enabled(if: CommandLineTests.binary != nil)) func binaryServesTheProtocol() throws {
        let r = try CommandLineTests.run(["--kernel"], stdin: """
            {"id":1,"type":"execute","code":"print hi"}
            {"id":2,"type":"complete","code":"sol","cursor":3}
            {"id":3,"type":"execute","code":"help solve\\nquit"}
            {"id":4,"type":"execute","code":"print never"}

            """)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("\"type\":\"ready\"") == true)
        #expect(lines.dropFirst().first == #"{"id":1,"name":"stdout","text":"hi\n","type":"stream"}"#)
        #expect(lines.contains(#"{"cursor_end":3,"cursor_start":0,"id":2,"matches":["solve"],"status":"ok","type":"done"}"#))
        #expect(lines.last == #"{"id":3,"quit":true,"status":"ok","type":"done"}"#, "quit ends the process; request 4 is not read")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "every line is JSON")
        #expect(r.status == 0)
    }
}
