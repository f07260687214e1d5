import Foundation
import ScriptLang
import Testing
import TensorCore
@testable import Workbench

/// `train patch FOLDER to FILE`: EM on a folder of images, per-iteration log-likelihood, an
/// atomic prior file that loads back, and clear errors for bad folders.
struct TrainCommandTests {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib/images").path

    @Test func trainsWritesAndLoadsAPrior() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("red-train-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for n in ["astronaut-64", "coffee-64"] {
            try FileManager.default.copyItem(atPath: "\(Self.images)/\(n).png", toPath: "\(dir)/\(n).png")
        }
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let s = Session(output: { box.lines.append($0) }, status: { _ in })
        let out = "\(dir)/p.safetensors"
        let r = s.run("train patch \"\(dir)\" to \"\(out)\" components=3 chroma=2 iterations=4 patches=2000", name: "<test>")
        #expect(r == .success)
        let its = box.lines.filter { $0.contains("iteration") && $0.contains("log-likelihood") }
        #expect(its.count == 8)   // 4 luma + 4 chroma iterations, each reported
        #expect(FileManager.default.fileExists(atPath: out))
        #expect(s.state.priorName.contains("trained"))
        // The file is a regular prior file.
        #expect(s.run("prior \"\(out)\"", name: "<test>") == .success)
        // Bad folders fail cleanly and change nothing.
        guard case .runtimeError = s.run("train patch \"\(dir)/missing\" to \"\(dir)/q.safetensors\"", name: "<test>") else {
            Issue.record("expected an error for a missing folder"); return
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/q.safetensors"))
    }
}
