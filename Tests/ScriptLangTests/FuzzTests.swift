import Testing
import TensorCore
@testable import ScriptLang

/// Seeded fuzzing: random token soups and random bytes never crash the front end, and each
/// input ends in either a program or diagnostics with valid positions.
struct FuzzTests {
    static let pieces = ["load", "\"a.png\"", "solve", "reddiff", "steps=", "=", "3", "0.5", "-1e-3", "[", "]", ",", "{", "}",
                         ";", "\n", "for", "in", "def", "let", "$x", "r_$w", "as", "#c", "\"$y\"", "\"", "\\", "é", "!", "${", "10,20"]

    func check(_ text: String) {
        let file = SourceFile(name: "f", text: text)
        let p = Parser.parse(file)
        for d in p.diagnostics {
            #expect(d.range.start.offset >= 0 && d.range.start.offset <= file.bytes.count)
            #expect(d.range.start.line >= 1 && d.range.start.column >= 1)
            _ = DiagnosticRenderer(showExcerpt: true).render(d, source: file)
        }
    }

    @Test func randomTokenSequences() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<3000 {
            let n = Int.random(in: 0...25, using: &rng)
            check((0..<n).map { _ in FuzzTests.pieces.randomElement(using: &rng) ?? "" }
                .joined(separator: Bool.random(using: &rng) ? " " : ""))
        }
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            let n = Int.random(in: 0...60, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }
}
