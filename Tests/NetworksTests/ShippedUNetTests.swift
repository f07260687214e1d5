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
}
