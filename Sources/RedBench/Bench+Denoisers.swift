import Foundation
import TensorCore
import Diffusion
import Denoisers

/// DnCNN priors: one-shot denoising PSNR of every pretrained model on the demo images at its
/// noise level (colour handled in the opponent space and per channel, measured side by side),
/// and the time and throughput of one call on a 256×256 RGB image.
func benchDenoisers(quick: Bool) {
    let stdlib = FileManager.default.currentDirectoryPath + "/Stdlib"
    let images = quick ? ["astronaut", "camera"] : ["astronaut", "coffee", "chelsea", "camera"]
    let cases: [(model: String, sigma: Float)] = [("6L", 0.06), ("6M", 0.1), ("6H", 0.2), ("6N", 0.1),
                                                  ("17L", 0.06), ("17M", 0.1), ("17H", 0.2), ("17N", 0.1)]
    let used = quick ? cases.filter { $0.model.hasPrefix("6") } : cases
    Report.section("DnCNN one-shot denoising at each model's noise level, PSNR (dB), 256² demo images; colour: auto (opponent for L/M/H, RGB for N)" + (ProcessInfo.processInfo.environment["RED_BENCH_COLOR"] == "both" ? " / RGB" : ""))
    print("| model | σ | " + images.joined(separator: " | ") + " | mean |")
    print("|---|---|" + images.map { _ in "---|" }.joined() + "---|")
    var loaded: [String: Tensor] = [:]
    for name in images {
        guard let x = try? Image.load(path: "\(stdlib)/images/\(name).png") else { print("missing \(name).png"); return }
        loaded[name] = x
    }
    for (model, sigma) in used {
        guard let net = try? DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\(model).safetensors") else { print("missing dncnn\(model)"); return }
        var cells: [String] = []
        var sum = 0.0
        for name in images {
            guard let x = loaded[name] else { continue }
            var rng = SeededGenerator(seed: 42)
            let noisy = x + Random.normal(x.shape, using: &rng) * sigma
            var row: [String] = []
            let both = ProcessInfo.processInfo.environment["RED_BENCH_COLOR"] == "both"
            let modes: [DnCNNPrior.ColorHandling] = x.shape[0] == 3 && both ? [.auto, .perChannel] : [.auto]
            for color in modes {
                let (d, _) = DnCNNPrior(networks: [net], color: color).denoise(noisy, sigma: sigma, cotangent: nil)
                let p = (try? Metrics.psnr(d.clamped(0, 1), x)) ?? .nan
                if color == .auto { sum += p }
                row.append(String(format: "%.2f", p))
            }
            cells.append(String(format: "%.2f→", (try? Metrics.psnr(noisy.clamped(0, 1), x)) ?? .nan) + row.joined(separator: " / "))
        }
        print("| \(model) | \(sigma) | " + cells.joined(separator: " | ") + String(format: " | %.2f |", sum / Double(images.count)))
    }
    // Speed of one prior call on 256² RGB.
    for model in quick ? ["6N"] : ["6N", "17N"] {
        guard let net = try? DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\(model).safetensors") else { return }
        let prior = DnCNNPrior(networks: [net])
        var rng = SeededGenerator(seed: 1)
        let xt = Random.normal([1, 3, 256, 256], using: &rng)
        var best = Double.infinity
        for _ in 0..<(quick ? 1 : 3) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = prior.epsilon(xt, t: 50, using: &rng)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let gf = (prior.flops(itemShape: [3, 256, 256], items: 1) ?? 0) / best / 1e9
        print(String(format: "dncnn%@ prior ε̂ on 256² RGB: %.3f s per call, %.1f GFLOP/s", model, best, gf))
    }
}

/// One-shot denoising through the `DiffusionPrior` interface (x̂0 at the time whose noise level
/// matches), for the patch prior, the DnCNN family and their composite, on the demo images.
func benchDenoiserPriors(quick: Bool) {
    let stdlib = FileManager.default.currentDirectoryPath + "/Stdlib"
    let images = quick ? ["astronaut"] : ["astronaut", "coffee", "chelsea", "camera"]
    guard let patch = try? Priors.natural(stdlib: stdlib),
          let nets = try? ["17L", "17M", "17H", "17N"].map({ try DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\($0).safetensors") }),
          let nets6 = try? ["6L", "6M", "6H", "6N"].map({ try DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\($0).safetensors") })
    else { print("missing Stdlib priors"); return }
    let priors: [any DiffusionPrior] = [patch, DnCNNPrior(networks: nets6, name: "dncnn6"), DnCNNPrior(networks: nets, name: "dncnn17")]
    let sigmas: [Float] = quick ? [0.06] : [0.03, 0.06, 0.1, 0.2]
    Report.section("denoiser priors: one-shot x̂0 PSNR (dB), mean over \(images.joined(separator: ", "))")
    print("| σ ([0,1]) | t | noisy | " + priors.map(\.name).joined(separator: " | ") + " |")
    print("|---|---|---|" + priors.map { _ in "---|" }.joined())
    let sched = NoiseSchedule.linear()
    for sigma in sigmas {
        let t = sched.time(forInverseSNR: Double(2 * sigma))
        var noisyAcc = 0.0
        var acc = [Double](repeating: 0, count: priors.count)
        for name in images {
            guard let x = try? Image.load(path: "\(stdlib)/images/\(name).png") else { continue }
            var rng = SeededGenerator(seed: 7)
            let noisy = x + Random.normal(x.shape, using: &rng) * sigma
            noisyAcc += (try? Metrics.psnr(noisy.clamped(0, 1), x)) ?? .nan
            let xt = (noisy * 2 - 1) * Float(sched.alpha(t))
            let batch = xt.reshaped([1] + x.shape)
            for (i, p) in priors.enumerated() {
                let x0 = p.x0(batch, t: t, using: &rng).item(0)
                acc[i] += (try? Metrics.psnr(((x0 + 1) * 0.5).clamped(0, 1), x)) ?? .nan
            }
        }
        let n = Double(images.count)
        print("| \(sigma) | \(t) | " + String(format: "%.2f", noisyAcc / n) + " | "
              + acc.map { String(format: "%.2f", $0 / n) }.joined(separator: " | ") + " |")
    }
}
