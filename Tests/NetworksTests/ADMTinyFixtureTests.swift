import Foundation
import Testing
import TensorCore
@testable import Networks

/// Reproduces `Fixtures/adm-tiny` (guided-diffusion `UNetModel`, random weights; reference in float64).
struct ADMTinyFixtureTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/adm-tiny").path

    static func maxAbs(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func configParsesFromMetadata() throws {
        let model = try UNetModel(contentsOf: Self.dir + "/model.safetensors")
        let c = model.config
        #expect(c.imageSize == 32 && c.modelChannels == 32 && c.outChannels == 6 && c.numResBlocks == 1)
        #expect(c.attentionResolutions == [4] && c.channelMult == [1, 2, 2] && c.numHeadChannels == 16)
        #expect(c.useScaleShiftNorm && c.resblockUpdown && !c.useNewAttentionOrder && c.numClasses == nil && c.learnedSigma)
        // every key of keys.txt, with its shape, is what the configuration expects
        let keys = try String(contentsOfFile: Self.dir + "/keys.txt", encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: "\t")
            return (String(parts[0]), String(parts[1]))
        }
        let expected = try UNetModel.parameterShapes(config: c)
        #expect(expected.count == 198 && keys.count == 198)
        #expect(Set(expected.map { "\($0.key) \($0.shape)" }) == Set(keys.map { "\($0.0) \($0.1.replacingOccurrences(of: " ", with: ""))" }.map { s in
            s.replacingOccurrences(of: ",", with: ", ") }))
        #expect(expected.reduce(0) { $0 + $1.shape.reduce(1, *) } == 1_371_974)
    }

    @Test func forwardMatchesReferenceWithIntermediates() throws {
        let model = try UNetModel(contentsOf: Self.dir + "/model.safetensors")
        let io = try SafeTensors(contentsOf: Self.dir + "/io.safetensors")
        let x = try io.tensor("x", shape: [2, 3, 32, 32]), t = try io.tensor("t", shape: [2])
        try model.validate(x, t: t.scalars, classes: nil)
        var seen: [String: Tensor] = [:]
        let out = model(x, t: t.scalars) { name, value in seen[name] = value }
        let names = ["emb_sinusoidal", "emb", "h_middle"] + (0...5).map { "h_input\($0)" } + (0...5).map { "h_output\($0)" }
        for name in names {
            let got = try #require(seen[name], "intermediate \(name) not observed")
            let ref = try io.tensor(name)
            #expect(got.shape == ref.shape, "\(name) shape")
            let err = Self.maxAbs(got, ref)
            #expect(err <= 1e-4, "\(name): max abs error \(err)")
        }
        let ref = try io.tensor("out", shape: [2, 6, 32, 32])
        let err = Self.maxAbs(out, ref)
        #expect(err <= 1e-4, "out: max abs error \(err)")
        #expect(err <= 2e-5, "out: max abs error \(err) (float32 torch reaches 3.1e-6)")
    }

    @Test func batchItemsAreIndependent() throws {
        let model = try UNetModel(contentsOf: Self.dir + "/model.safetensors")
        let io = try SafeTensors(contentsOf: Self.dir + "/io.safetensors")
        let x = try io.tensor("x"), t = try io.tensor("t")
        let both = model(x, t: t.scalars)
        let second = model(x.items(1..<2), t: [t.scalars[1]])
        #expect(Self.maxAbs(both.items(1..<2), second) <= 1e-5)
    }
}
