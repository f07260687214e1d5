import Foundation
@testable import RemotePriors

/// `Scripts/testing/gmm-server.py` (NumPy only) on a free loopback port, for the life of the value.
final class TestServer: @unchecked Sendable {
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

    /// Starts the server with `arguments` (the test switches of the script) and waits for its port.
    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Self.python[0])
        process.arguments = Array(Self.python.dropFirst()) + [Self.root + "/Scripts/testing/gmm-server.py", "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // the first line is `listening on PORT`
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

    /// The URL of model `name`.
    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/v2/models/\(name)" }

    /// The server's request counters (`GET /stats`).
    func stats() throws -> [String: Int] {
        let r = try HTTPTransport(timeout: 5, retries: 0).get(URL(string: "http://127.0.0.1:\(port)/stats")!)
        return (try JSONSerialization.jsonObject(with: r.body) as? [String: Int]) ?? [:]
    }

    /// Kills the server (SIGKILL: a child of a test thread may have SIGTERM blocked).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit { stop() }
}
