import Foundation
import TensorCore
import Degradations
import Diffusion
import Denoisers
import Samplers

/// RED-diff with the patch prior alone against composites with the DnCNN families in the band
/// 0.045 < σ ≤ 0.2 ([0, 1] units), on 128² crops of the demo images: 4× super-resolution and box
/// inpainting with σ_y = 0.01, 100 steps, lr 0.1 (the rest at the paper's defaults).
func benchComposite(quick: Bool) {
    let stdlib = FileManager.default.currentDirectoryPath + "/Stdlib"
    guard let patch = try? Priors.natural(stdlib: stdlib),
          let n17 = try? ["17L", "17M", "17H", "17N"].map({ try DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\($0).safetensors") }),
          let n6 = try? ["6L", "6M", "6H", "6N"].map({ try DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\($0).safetensors") })
    else { print("missing Stdlib priors"); return }
    let priors: [(String, any DiffusionPrior)] = [
        ("patch", patch),
        ("patch+dncnn6", CompositePrior(low: DnCNNPrior(networks: n6), high: patch, switchSigma: 0.2, lowerSigma: 0.045)),
        ("patch+dncnn17", CompositePrior(low: DnCNNPrior(networks: n17), high: patch, switchSigma: 0.2, lowerSigma: 0.045)),
    ]
    let images = quick ? ["astronaut"] : ["astronaut", "coffee"]
    let steps = quick ? 20 : 100
    Report.section("composite priors: RED-diff \(steps) steps, lr 0.1, PSNR (dB) / seconds, 128² crops of \(images.joined(separator: ", "))")
    print("| task | image | " + priors.map(\.0).joined(separator: " | ") + " |")
    print("|---|---|" + priors.map { _ in "---|" }.joined())
    for task in ["sr4", "inpaint box"] {
        for name in images {
            guard let full = try? Image.load(path: "\(stdlib)/images/\(name).png") else { continue }
            let x = full.areaResized(height: 128, width: 128)
            let shape = x.shape
            guard let op: any ForwardOperator = task == "sr4" ? try? BlockAverage(shape: shape, factor: 4)
                                                              : try? Mask.box(shape: shape, height: 64, width: 64) else { continue }
            var rng = SeededGenerator(seed: 11)
            let x01 = x * 2 - 1
            guard let noise = try? MeasurementNoise.pixelUnits(0.01) else { continue }
            let y = noise.apply(to: op.apply(x01), using: &rng)
            var cells: [String] = []
            for (_, prior) in priors {
                let problem = InverseProblem(prior: prior, op: op, y: y, sigmaY: 0.02, groundTruth: x01, isImage: true)
                var r = SeededGenerator(seed: 5)
                let t0 = DispatchTime.now().uptimeNanoseconds
                guard let sol = try? Sampler.solve(problem, method: .reddiff(REDDiffOptions(steps: steps, lr: 0.1)), using: &r) else {
                    cells.append("failed"); continue
                }
                let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                let out = ((sol.samples.item(0) + 1) * 0.5).clamped(0, 1)
                cells.append(String(format: "%.2f / %.1f s", (try? Metrics.psnr(out, x)) ?? .nan, secs))
            }
            print("| \(task) | \(name) | " + cells.joined(separator: " | ") + " |")
        }
    }
}
