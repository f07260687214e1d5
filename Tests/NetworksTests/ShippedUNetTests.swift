import Diffusion
import Foundation
import Testing
import TensorCore
@testable import Networks

/// The shipped `Stdlib/priors/unet.safetensors` loads and denoises demo crops (never training
/// photos) far better than the noisy input, and better than the shipped patch prior.
struct ShippedUNetTests {
    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib").path

    @Test func shippedUNetDenoisesDemoCrops() throws {
        let unet = try UNetPrior.shipped(stdlib: Self.stdlib)
        let patch = try Priors.natural(stdlib: Self.stdlib)
        #expect(unet.dataShape == .image(channels: [3], multiple: 8))
        for name in ["astronaut-64", "coffee-64"] {
            let clean = try Image.load(path: Self.stdlib + "/images/\(name).png")
            var rng = SeededGenerator(seed: 1)
            let sigma: Float = 25 / 255
            let noisy = clean + Random.normal(clean.shape, using: &rng) * sigma
            let model = noisy.map { 2 * $0 - 1 }
            let t = unet.schedule.time(forInverseSNR: Double(2 * sigma))
            let xt = (model * Float(unet.schedule.alpha(t))).reshaped([1] + model.shape)
            let out = unet.x0(xt, t: t, using: &rng).reshaped(model.shape).map { ($0 + 1) / 2 }
            let viaPatch = patch.denoise(model, noiseLevel: 2 * sigma, using: &rng).map { ($0 + 1) / 2 }
            let before = try Metrics.psnr(noisy, clean)
            let after = try Metrics.psnr(out.clamped(0, 1), clean), patchAfter = try Metrics.psnr(viaPatch.clamped(0, 1), clean)
            #expect(after > before + 5, "\(name): \(before) → \(after) dB")
            #expect(after > patchAfter, "\(name): U-Net \(after) dB, patch prior \(patchAfter) dB")
        }
    }

    /// A batch larger than one pass's pixels runs in chunks (here 2 + 1 items at 160²) and gives
    /// each item what a pass over that item alone gives; the memory estimate of a chunked batch
    /// grows by the outputs only.
    @Test func largeBatchesRunInChunksWithTheSameOutputs() throws {
        let model = try UNetPrior.shipped(stdlib: Self.stdlib).model
        #expect(model.itemsPerPass(height: 160, width: 160) == 2)
        #expect(model.itemsPerPass(height: 512, width: 512) == 1 && model.itemsPerPass(height: 32, width: 32) == 64)
        var rng = SeededGenerator(seed: 3)
        let x = Random.normal([3, 3, 160, 160], using: &rng), t: [Float] = [30, 400, 900]
        let batch = model(x, t: t)
        #expect(batch.shape == [3, 3, 160, 160])
        for i in 0..<3 {
            let alone = model(x.items(i..<(i + 1)), t: [t[i]])
            let worst = zip(batch.item(i).scalars, alone.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-5, "item \(i): \(worst)")
        }
        let one = model.workingBytes(items: 1, height: 256, width: 256, withVJP: false)
        let eight = model.workingBytes(items: 8, height: 256, width: 256, withVJP: false)
        #expect(eight < one + 7 * 4 * 3 * 256 * 256 * 4)
    }
}
