import Foundation
import Testing
import TensorCore
@testable import Diffusion

struct NaturalPriorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The shipped prior loads through both loaders and denoises a demo crop (not a training
    /// photo) far better than the noisy input.
    @Test func shippedPriorDenoisesDemoCrop() throws {
        let prior = try Priors.natural(stdlib: Self.root + "/Stdlib")
        #expect(prior.dataShape == .image(channels: [1, 3], multiple: 1))
        #expect(try Priors.load(path: Self.root + "/Stdlib/priors/natural.safetensors") is PatchMixturePrior)
        for name in ["astronaut-64", "camera-64"] {
            let clean = try Image.load(path: Self.root + "/Stdlib/images/\(name).png")
            var rng = SeededGenerator(seed: 1)
            let sigma: Float = 25 / 255
            let noisy = clean + Random.normal(clean.shape, using: &rng) * sigma
            let out = prior.denoise(noisy.map { 2 * $0 - 1 }, noiseLevel: 2 * sigma, using: &rng).map { ($0 + 1) / 2 }
            let before = try Metrics.psnr(noisy, clean), after = try Metrics.psnr(out, clean)
            #expect(after > before + 5, "\(name): \(before) → \(after) dB")
            // As a diffusion prior at the matching time, x̂0 agrees with one-shot denoising.
            let t = prior.schedule.time(forInverseSNR: Double(2 * sigma))
            #expect(abs(prior.schedule.inverseSNR(t) - Double(2 * sigma)) < 0.01)
        }
    }

    @Test func missingStdlibIsAClearError() {
        #expect(throws: PriorError.file(path: "/nonexistent/priors/natural.safetensors", message: "no such file")) {
            try Priors.natural(stdlib: "/nonexistent")
        }
    }

    /// End-to-end training on small synthetic images gives a working prior (seeded: same bytes twice).
    @Test func trainingPipelineIsDeterministic() throws {
        var rng = SeededGenerator(seed: 3)
        let images = (0..<2).map { _ in gaussianSmooth(Random.uniform([3, 24, 20], using: &rng)) } + [Random.uniform([1, 16, 16], using: &rng)]
        var o = PatchMixturePrior.TrainingOptions()
        o.side = 4; o.stride = 2; o.lumaComponents = 3; o.chromaComponents = 2; o.patches = 600; o.iterations = 3; o.seed = 5
        var stages: [String] = []
        let a = try PatchMixturePrior.train(images: images, options: o) { stage, _ in stages.append(stage) }
        let b = try PatchMixturePrior.train(images: images, options: o)
        #expect(stages == ["luma", "luma", "luma", "chroma", "chroma", "chroma"])
        #expect(a.luma.covariances == b.luma.covariances && a.chroma?.means == b.chroma?.means)
        var g = SeededGenerator(seed: 0)
        #expect(a.epsilon(Random.normal([1, 3, 10, 10], using: &g), t: 300, using: &g).isFinite)
        #expect(throws: PriorError.self) { try PatchMixturePrior.train(images: [Tensor.zeros([3, 2, 2])], options: o) }
    }
}

/// A 3×3 box smoothing of each channel (wrap-around), to give training images some structure.
func gaussianSmooth(_ x: Tensor) -> Tensor {
    let c = x.shape[0], h = x.shape[1], w = x.shape[2]
    var out = x
    for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
        var s: Float = 0
        for dy in -1...1 { for dx in -1...1 { s += x.scalars[ch * h * w + ((y + dy + h) % h) * w + (xx + dx + w) % w] } }
        out.scalars[ch * h * w + y * w + xx] = s / 9
    } } }
    return out
}
