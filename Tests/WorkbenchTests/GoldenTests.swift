import Foundation
import ScriptLang
import Testing
@testable import Workbench

/// Golden scripts: `Golden/*.red` with inline expectations:
/// `#> text` (a line of standard output, in order), `#! LINE:COL: message` (an error),
/// `#= STATUS` (the exit status, 0 when absent). Scripts run with the standard library loaded,
/// like `red FILE`, and must not write files.
struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".red") }.sorted()
    }

    struct Expectation {
        var output: [String] = []
        var errors: [String] = []
        var status: Int32 = 0
    }

    static func expectations(_ text: String) -> Expectation {
        var e = Expectation()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let r = line.range(of: "#") else { continue }
            let tail = line[r.lowerBound...]
            if tail.hasPrefix("#> ") || tail == "#>" { e.output.append(String(tail.dropFirst(3))) }
            if tail.hasPrefix("#! ") { e.errors.append(String(tail.dropFirst(3))) }
            if tail.hasPrefix("#= "), let s = Int32(tail.dropFirst(3).trimmingCharacters(in: .whitespaces)) { e.status = s }
        }
        return e
    }

    /// Runs a script as `red FILE` would; returns output lines, error lines (without the file name) and status.
    static func run(_ name: String, text: String, seed: UInt64 = 0) -> (output: [String], errors: [String], status: Int32) {
        var out: [String] = []
        let session = Session(seed: seed, output: { out.append(contentsOf: $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) },
                              status: { _ in })
        _ = session.loadStdlib(root.appendingPathComponent("Stdlib").path)
        defer { session.close() }
        let outcome = session.run(SourceFile(name: name, text: text))
        var errors: [String] = []
        switch outcome {
        case let .syntaxErrors(ds): errors = ds.map { "\($0.range.start.line):\($0.range.start.column): \($0.message)" }
        case let .runtimeError(d): errors = ["\(d.range.start.line):\(d.range.start.column): \(d.message)"]
        default: break
        }
        return (out, errors, outcome.exitStatus)
    }

    @Test(.serialized, arguments: scripts) func golden(_ script: String) throws {
        let text = try String(contentsOf: GoldenTests.folder.appendingPathComponent(script), encoding: .utf8)
        let expected = GoldenTests.expectations(text)
        // golden scripts write no files and reach Stdlib/ through the session, so they run in place
        let got = GoldenTests.run(script, text: text)
        #expect(got.output == expected.output, "\(script): standard output")
        #expect(got.errors == expected.errors, "\(script): errors")
        #expect(got.status == expected.status, "\(script): exit status")
    }
}

/// The shipped scripts parse and pass the static checks (running them is the demo's job).
struct ShippedScriptTests {
    @Test(arguments: ["Scripts/demo.red", "Stdlib/prelude.red", "Stdlib/tasks.red"]) func checks(_ path: String) throws {
        let text = try String(contentsOf: GoldenTests.root.appendingPathComponent(path), encoding: .utf8)
        let session = Session(output: { _ in }, status: { _ in })
        _ = session.loadStdlib(GoldenTests.root.appendingPathComponent("Stdlib").path)
        let program = Parser.parse(SourceFile(name: path, text: text))
        #expect(program.diagnostics.isEmpty)
        #expect(session.check(program).isEmpty)
    }
}
