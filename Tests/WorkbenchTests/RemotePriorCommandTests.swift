import Foundation
import Testing
@testable import Workbench

/// `Scripts/testing/gmm-server.py` (NumPy only) on a free loopback port.
final class PriorTestServer: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let process = Process()
    let port: Int

    /// The first Python 3 with NumPy: `$RED_TEST_PYTHON`, Debian's `/usr/bin/python3`
    /// (Scripts/setup installs python3-numpy), else `python3` on the PATH.
    static let python: [String] = {
        var candidates: [[String]] = [["/usr/bin/python3"], ["/usr/bin/env", "python3"]]
        if let p = ProcessInfo.processInfo.environment["RED_TEST_PYTHON"] { candidates.insert([p], at: 0) }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c[0]) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: c[0])
            p.arguments = Array(c.dropFirst()) + ["-c", "import numpy"]
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return c }
        }
        return ["/usr/bin/env", "python3"]
    }()

    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Self.python[0])
        process.arguments = Array(Self.python.dropFirst()) + [Self.root + "/Scripts/testing/gmm-server.py", "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let p = text.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "gmm-server.py did not start: \(text)"])
        }
        port = p
    }

    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/v2/models/\(name)" }

    /// Kills the server (SIGKILL: a child of a test thread may have SIGTERM blocked).
    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}

@Suite(.serialized) struct RemotePriorCommandTests {
    static func session() -> (Session, () -> [String]) {
        let lines = Lines()
        let s = Session(seed: 3, output: { lines.append($0) }, status: { lines.append($0) })
        s.state.progress = false
        return (s, { lines.all })
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    @Test func remoteGMMGivesTheLocalGMMsSolve() throws {
        let server = try PriorTestServer()
        let script = "sample prior; sense rows=2; noise 0.5; measure; solve reddiff n=3 steps=30 lr=0.1 as r"
        let (local, _) = Self.session(), (remote, _) = Self.session()
        #expect(local.run("prior gmm grid dim=8; " + script, name: "t") == .success)
        #expect(remote.run("prior gmm grid dim=8; sample prior; prior remote \"\(server.url("gmm8"))\" timeout=10; sense rows=2; noise 0.5; measure; "
                           + "solve reddiff n=3 steps=30 lr=0.1 as r", name: "t") == .success)
        let a = try #require(local.state.values["r"]?.tensor), b = try #require(remote.state.values["r"]?.tensor)
        #expect(zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(remote.state.priorName.hasPrefix("remote"))
    }

    @Test func aKilledServerStopsTheSolveNamingTheStepAndKeepsTheIterate() throws {
        let server = try PriorTestServer(["--die-after", "4"])
        let (s, _) = Self.session()
        #expect(s.run("prior gmm grid dim=8; sample prior; sense rows=2; noise 0.5; measure", name: "t") == .success)
        #expect(s.run("prior remote \"\(server.url("gmm8"))\" timeout=5 retries=1", name: "t") == .success)
        guard case let .runtimeError(d) = s.run("solve reddiff n=2 steps=20 as r", name: "t") else {
            Issue.record("expected a runtime error"); return
        }
        #expect(d.message.contains("the prior server failed at step 5/20"))
        #expect(d.message.contains("no answer from"))
        #expect(d.message.contains("kept the last iterate (step 4) as 'r'"))
        #expect(s.state.values["r"]?.tensor.shape == [2, 8])
        #expect(s.state.values["r"]?.tensor.isFinite == true)
    }

    @Test func unreachableServerAndBadURLAreClearErrors() throws {
        let (s, _) = Self.session()
        guard case let .runtimeError(d) = s.run("prior remote \"http://127.0.0.1:9/v2/models/x\" timeout=1 retries=0", name: "t") else {
            Issue.record("expected a runtime error"); return
        }
        #expect(d.message.contains("no answer from http://127.0.0.1:9/v2/models/x/ready"))
        guard case let .runtimeError(e) = s.run("prior remote \"http://127.0.0.1:9/models/x\"", name: "t") else {
            Issue.record("expected a runtime error"); return
        }
        #expect(e.message.contains("/v2/models/NAME"))
    }

    @Test func dpsWithoutACompanionIsRefused() throws {
        let server = try PriorTestServer(["--no-companion"])
        let (s, _) = Self.session()
        #expect(s.run("load \"\(PriorTestServer.root)/Stdlib/images/coffee-64.png\" size=16; prior remote \"\(server.url("gauss"))\"; mask random 0.5; measure",
                      name: "t") == .success)
        guard case let .runtimeError(d) = s.run("solve dps steps=5", name: "t") else { Issue.record("expected a runtime error"); return }
        #expect(d.message.contains("vector–Jacobian product"))
        #expect(s.run("solve ddim steps=5", name: "t") == .success)
    }
}
