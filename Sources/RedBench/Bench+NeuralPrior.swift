import Diffusion
import Foundation
import Degradations
import Networks
import Samplers
import TensorCore

/// Does the shipped U-Net help? One-shot denoising PSNR on the demo images (never training
/// photos) against the shipped patch prior, at σ = 15, 25, 50 (/255).
///
/// U-Net: Tweedie's x̂0 at the time t with σ_t/α_t closest to the noise level in model space
/// (2σ), from x_t = α_t·y. Patch prior: its own one-shot denoiser (`denoise(noiseLevel:)`).
func benchNeuralPrior(quick: Bool) {
    Report.section("neural prior: one-shot denoising, shipped U-Net vs patch prior")
    do { try benchNeuralPriorTable(quick: quick) } catch { print("neural prior: \(error)") }
}

func benchNeuralPriorTable(quick: Bool) throws {
    let stdlib = URL(fileURLWithPath: benchImagePath("astronaut")).deletingLastPathComponent().deletingLastPathComponent().path
    let unetPath = stdlib + "/priors/unet.safetensors"
    guard FileManager.default.fileExists(atPath: unetPath) else { print("no \(unetPath); nothing to compare"); return }
    let unet = try UNetPrior(contentsOf: unetPath)
    let natural = try Priors.natural(stdlib: stdlib)
    let names = quick ? ["astronaut"] : ["astronaut", "camera", "chelsea", "coffee"]
    let sigmas: [Double] = quick ? [25] : [15, 25, 50]
    print("| image | σ | noisy | patch prior | U-Net (\(unet.name)) |")
    print("|---|---|---|---|---|")
    var sums = [[Double]](repeating: [0, 0, 0], count: sigmas.count)
    var count = 0
    for name in names {
        guard var clean = try? Image.load(path: benchImagePath(name)) else { continue }
        if clean.shape[0] == 1 { clean = Tensor.concatenated([clean, clean, clean]) }   // the U-Net is RGB
        let m = unet.model.config.sizeMultiple, h = clean.shape[1] / m * m, w = clean.shape[2] / m * m
        clean = clean.cropped(top: 0, left: 0, height: h, width: w)
        count += 1
        for (si, s255) in sigmas.enumerated() {
            let sigma = Float(s255 / 255)
            var noiseRng = SeededGenerator(seed: UInt64(si * 100 + count))
            let noisy = clean + Random.normal(clean.shape, using: &noiseRng) * sigma
            let model = noisy.map { 2 * $0 - 1 }
            var rng = SeededGenerator(seed: 3)
            let pNoisy = (try? Metrics.psnr(noisy.clamped(0, 1), clean)) ?? .nan
            let patch = natural.denoise(model, noiseLevel: 2 * sigma, using: &rng).map { ($0 + 1) / 2 }
            let t = unet.schedule.time(forInverseSNR: Double(2 * sigma)), a = Float(unet.schedule.alpha(t))
            let xt = (model * a).reshaped([1] + model.shape)
            let x0 = unet.x0(xt, t: t, using: &rng).reshaped(model.shape).map { ($0 + 1) / 2 }
            let pPatch = (try? Metrics.psnr(patch.clamped(0, 1), clean)) ?? .nan
            let pNet = (try? Metrics.psnr(x0.clamped(0, 1), clean)) ?? .nan
            sums[si][0] += pNoisy; sums[si][1] += pPatch; sums[si][2] += pNet
            print(String(format: "| %@ | %.0f/255 | %.2f | %.2f | %.2f (t=%d) |", name, s255, pNoisy, pPatch, pNet, t))
        }
    }
    for (si, s255) in sigmas.enumerated() where count > 0 {
        let m = sums[si].map { $0 / Double(count) }
        print(String(format: "| mean | %.0f/255 | %.2f | %.2f | %.2f (%+.2f dB vs patch prior) |", s255, m[0], m[1], m[2], m[2] - m[1]))
    }
    try benchNeuralRestorations(quick: quick, unet: unet, natural: natural)
}

/// RED-diff restorations (100 steps, lr 0.5) of the 64×64 demo images with the U-Net and the
/// patch prior: PSNR per task, averaged over the images (σ_y = 0.01 on [0, 1]).
func benchNeuralRestorations(quick: Bool, unet: UNetPrior, natural: any DiffusionPrior) throws {
    let images = quick ? ["astronaut-64"] : ["astronaut-64", "camera-64", "chelsea-64", "coffee-64"]
    let tasks: [RestorationTask] = quick ? [.sr4] : [.sr4, .random, .box]
    let steps = quick ? 30 : 100, sigmaY = 0.02
    print("\nRED-diff \(steps) steps lr 0.5, σ_y = 0.01 on [0,1], demo images \(images.joined(separator: ", ")): mean PSNR dB")
    print("| task | patch prior | U-Net |")
    print("|---|---|---|")
    for task in tasks {
        var sums = [0.0, 0.0]
        for name in images {
            var truth = try Image.load(path: benchImagePath(name)) * 2 - 1
            if truth.shape[0] == 1 { truth = Tensor.concatenated([truth, truth, truth]) }
            var rng = SeededGenerator(seed: 3)
            let op = try task.makeOperator(shape: truth.shape, using: &rng)
            let y = try MeasurementNoise(sigma: sigmaY).apply(to: op.apply(truth), using: &rng)
            for (i, prior) in [natural, unet as any DiffusionPrior].enumerated() {
                let problem = InverseProblem(prior: prior, op: op, y: y, sigmaY: sigmaY, groundTruth: truth, isImage: true)
                var r = SeededGenerator(seed: 5)
                let out = try Sampler.solve(problem, method: .reddiff(REDDiffOptions(steps: steps, lr: 0.5)), using: &r)
                sums[i] += (try? Metrics.psnr((out.item(0).clamped(-1, 1) + 1) / 2, (truth + 1) / 2)) ?? .nan
            }
        }
        let n = Double(images.count)
        print(String(format: "| %@ | %.2f | %.2f |", task.rawValue, sums[0] / n, sums[1] / n))
    }
}
