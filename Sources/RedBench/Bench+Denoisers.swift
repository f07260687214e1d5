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
    let cases: [(model: String, sigma: Float)] = [("6L", 0.06), ("6M", 0.1), ("6H", 0.2), ("6N", 0.06), ("6N", 0.1), ("6N", 0.2),
                                                  ("17L", 0.06), ("17M", 0.1), ("17H", 0.2), ("17N", 0.06), ("17N", 0.1), ("17N", 0.2)]
    let used = quick ? cases.filter { $0.model.hasPrefix("6") } : cases
    print("DnCNN one-shot denoising, PSNR (dB) on Stdlib/images (256², noise seeded), colour: opponent / per-channel")
    print("| model | σ | " + images.joined(separator: " | ") + " |")
    print("|---|---|" + images.map { _ in "---|" }.joined())
    var loaded: [String: Tensor] = [:]
    for name in images {
        guard let x = try? Image.load(path: "\(stdlib)/images/\(name).png") else { print("missing \(name).png"); return }
        loaded[name] = x
    }
    for (model, sigma) in used {
        guard let net = try? DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\(model).safetensors") else { print("missing dncnn\(model)"); return }
        var cells: [String] = []
        for name in images {
            guard let x = loaded[name] else { continue }
            var rng = SeededGenerator(seed: 42)
            let noisy = x + Random.normal(x.shape, using: &rng) * sigma
            var row: [String] = []
            for color in [DnCNNPrior.ColorHandling.opponent, .perChannel] where x.shape[0] == 3 || color == .opponent {
                let prior = DnCNNPrior(networks: [net], color: color)
                let (d, _) = prior.denoise(noisy, sigma: sigma, cotangent: nil)
                row.append(String(format: "%.2f", (try? Metrics.psnr(d.clamped(0, 1), x)) ?? .nan))
            }
            let inPSNR = (try? Metrics.psnr(noisy.clamped(0, 1), x)) ?? .nan
            cells.append(String(format: "%.2f→", inPSNR) + row.joined(separator: " / "))
        }
        print("| \(model) | \(sigma) | " + cells.joined(separator: " | ") + " |")
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
