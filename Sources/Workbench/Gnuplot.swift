import Foundation

/// A long-lived gnuplot process fed through pipes: each script ends with a marker that
/// gnuplot prints when done, so results (terminal plots, errors) are read back per plot.
final class Gnuplot {
    let process = Process()
    let input = Pipe(), output = Pipe(), errors = Pipe()
    let errorBuffer = LockedBuffer()
    static let marker = "__RED_GP_DONE__"

    /// The gnuplot executable on PATH, or nil.
    static func locate() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/gnuplot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    init(executable: String) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let buffer = errorBuffer
        errors.fileHandleForReading.readabilityHandler = { h in buffer.append(h.availableData) }
        try process.run()
        try send("set print '-'\n")
    }

    var isRunning: Bool { process.isRunning }

    func send(_ text: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    /// Runs `script`, waits for it, and returns (standard output, error text).
    func run(_ script: String) throws -> (output: String, errors: String) {
        _ = errorBuffer.take()
        try send(script + "\nprint '\(Gnuplot.marker)'\n")
        var data = Data()
        let marker = Data((Gnuplot.marker + "\n").utf8)
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // gnuplot ended
            data.append(chunk)
            if data.count >= marker.count, data.suffix(marker.count) == marker { data.removeLast(marker.count); break }
        }
        // give stderr's handler a moment to catch up with warnings printed before the marker
        Thread.sleep(forTimeInterval: 0.01)
        return (String(decoding: data, as: UTF8.self), String(decoding: errorBuffer.take(), as: UTF8.self))
    }

    func close() {
        errors.fileHandleForReading.readabilityHandler = nil
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }
}

extension Gnuplot {
    /// What gnuplot printed on standard error for one script, sorted into warnings (the plot was
    /// still drawn or written: `Warning: empty y range …`, `line 3: warning: …`) and errors.
    /// The echo of the failing command (`gnuplot> plot …`) and its caret line are dropped.
    struct Report: Equatable {
        var warnings: [String] = []
        var errors: [String] = []

        init(_ text: String) {
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("gnuplot>") || line.allSatisfy({ $0 == "^" }) { continue }
                if line.lowercased().contains("warning") { warnings.append(line) } else { errors.append(line) }
            }
        }
    }
}

/// Bytes appended from a reader thread.
final class LockedBuffer: @unchecked Sendable {
    let lock = NSLock()
    var data = Data()
    func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
    func take() -> Data { lock.lock(); defer { data = Data(); lock.unlock() }; return data }
}
