import Foundation
import ScriptLang
import Testing
import TensorCore
@testable import Workbench

/// Seeded fuzzing of the whole pipeline: random statements from the language's vocabulary and
/// random bytes run in one session; each ends in success or an error, never a crash.
struct InterpreterFuzzTests {
    // commands that only touch the session (no files written, no long solves)
    static let words = ["let", "for", "def", "print", "set", "show", "help", "clear", "noise", "mask", "blur", "downsample",
                        "colorize", "phase", "hdr", "sense", "crop", "solve", "metrics", "compare", "predict", "view",
                        "x", "w", "in", "as", "reddiff", "box", "random", "gaussian", "sigma=", "seed=", "steps=", "n=",
                        "=", "0", "3", "-1", "0.5", "1e-3", "1e9", "[", "]", ",", "{", "}", ";", "\n", "$x", "$w", "r_$w",
                        "\"s $x\"", "\"", "#", "progress=off", "at=1,2", "size=3x4", "f", "g", "a=1"]

    @Test func randomStatements() {
        var rng = SeededGenerator(seed: 2024)
        let s = Session(output: { _ in }, status: { _ in })
        var outcomes = [0, 0, 0]
        for _ in 0..<3000 {
            let n = Int.random(in: 1...12, using: &rng)
            let text = (0..<n).map { _ in InterpreterFuzzTests.words.randomElement(using: &rng) ?? "" }.joined(separator: " ")
            switch s.run(text, name: "fuzz", record: false) {
            case .success, .quit: outcomes[0] += 1
            case .syntaxErrors(let ds): outcomes[1] += 1; #expect(!ds.isEmpty)
            case .runtimeError: outcomes[2] += 1
            }
        }
        #expect(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0)
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(seed: 99)
        let s = Session(output: { _ in }, status: { _ in })
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = s.run(String(decoding: bytes, as: UTF8.self), name: "bytes", record: false)
        }
    }
}
