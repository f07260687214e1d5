import Degradations
import Diffusion
import Foundation
import Networks
import Samplers
import TensorCore

/// Compares U-Net checkpoints with the shipped one on the demo images (never training photos).
///
/// Candidates come from the environment variable `RED_BENCH_UNETS`, a comma-separated list of
/// `label=path` (or bare paths, labelled by file name); the shipped `Stdlib/priors/unet.safetensors`
/// is always the first column. `RED_BENCH_SIZES` (default `64`) lists the RED-diff image sides:
/// 64 uses the `*-64` demo images, any other side the full demo images area-resized so the shorter
/// side is that size, then centre-cropped to a square. `RED_BENCH_LRS` (default `0.1,0.5`) lists
/// the RED-diff learning rates; `RED_BENCH_TABLES` (default `time,denoise,reddiff`) the tables to run.
///
/// Tables: CPU time per ε̂ at 256² (batch 1, best of 3, interleaved); one-shot denoising PSNR at
/// σ = 15, 25, 50 (/255) on the full demo images (Tweedie's x̂0, as `neural`); RED-diff (100 steps,
/// lr 0.1 and 0.5 by default, λ 0.25, σ_y = 0.01 on [0, 1]) on 4× super-resolution and 70 % random inpainting,
/// with the PSNR split into the textured and the smooth half of the pixels (`TextureSplit`).
func benchUNetCandidates(quick: Bool) {
    Report.section("U-Net candidates: the shipped network vs RED_BENCH_UNETS")
    do { try benchUNetCandidatesTables(quick: quick) } catch { print("unet-candidates: \(error)") }
}

/// The shipped network and the candidates of `RED_BENCH_UNETS`, as (label, prior).
func candidateUNets() throws -> [(label: String, prior: UNetPrior)] {
    let stdlib = URL(fileURLWithPath: benchImagePath("astronaut")).deletingLastPathComponent().deletingLastPathComponent().path
    var list = [(label: String, prior: UNetPrior)]()
    list.append(("shipped", try UNetPrior(contentsOf: stdlib + "/priors/unet.safetensors")))
    let spec = ProcessInfo.processInfo.environment["RED_BENCH_UNETS"] ?? ""
    for item in spec.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        let path = parts.count == 2 ? parts[1] : parts[0]
        let label = parts.count == 2 ? parts[0] : URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        list.append((label, try UNetPrior(contentsOf: path)))
    }
    return list
}

func benchUNetCandidatesTables(quick: Bool) throws {
    let nets = try candidateUNets()
    for n in nets {
        let c = n.prior.model.config
        let count = (try? UNetModel.parameterShapes(config: c))?.reduce(0) { $0 + $1.shape.reduce(1, *) } ?? 0
        print("\(n.label): \(c.modelChannels) channels, mult \(c.channelMult.map(String.init).joined(separator: ",")), "
              + "\(c.numResBlocks) res blocks, \(count) parameters")
    }
    let header = "| " + nets.map(\.label).joined(separator: " | ") + " |"
    let rule = "|" + String(repeating: "---|", count: nets.count)

    let tables = Set((ProcessInfo.processInfo.environment["RED_BENCH_TABLES"] ?? "time,denoise,reddiff").split(separator: ",").map(String.init))
    if tables.contains("time") {                                           // CPU time per ε̂ at 256²
        var rng = SeededGenerator(seed: 1)
        let x = Random.normal([1, 3, 256, 256], using: &rng)
        let times = Timing.bestInterleaved(of: quick ? 1 : 3, nets.map { n in { var r = SeededGenerator(seed: 2); blackHole(n.prior.epsilon(x, t: 500, using: &r)) } })
        print("\nCPU time per ε̂ evaluation, 1×3×256×256 (best of \(quick ? 1 : 3), interleaved)")
        print("| " + header.dropFirst(2)); print(rule)
        print("| " + times.map { String(format: "%.0f ms", $0 * 1e3) }.joined(separator: " | ") + " |")
    }
    if tables.contains("denoise") { try benchCandidateDenoising(nets: nets, quick: quick, header: header, rule: rule) }
    guard tables.contains("reddiff") else { return }
    let sizes = (ProcessInfo.processInfo.environment["RED_BENCH_SIZES"] ?? "64").split(separator: ",").compactMap { Int($0) }
    for size in sizes {
        try benchCandidateREDDiff(nets: nets, size: size, quick: quick)
    }
}

/// One-shot denoising (Tweedie's x̂0 at the matching time) on the full demo images.
func benchCandidateDenoising(nets: [(label: String, prior: UNetPrior)], quick: Bool, header: String, rule: String) throws {
    let names = quick ? ["astronaut"] : ["astronaut", "camera", "chelsea", "coffee"]
    let sigmas: [Double] = quick ? [25] : [15, 25, 50]
    print("\nOne-shot denoising PSNR (dB), full demo images \(names.joined(separator: ", "))")
    print("| image | σ | noisy " + header); print("|---|---|---" + rule)
    var sums = [[Double]](repeating: [Double](repeating: 0, count: nets.count + 1), count: sigmas.count)
    let m = nets.map { $0.prior.model.config.sizeMultiple }.max() ?? 1
    for (ii, name) in names.enumerated() {
        var clean = try Image.load(path: benchImagePath(name))
        if clean.shape[0] == 1 { clean = Tensor.concatenated([clean, clean, clean]) }
        clean = clean.cropped(top: 0, left: 0, height: clean.shape[1] / m * m, width: clean.shape[2] / m * m)
        for (si, s255) in sigmas.enumerated() {
            let sigma = Float(s255 / 255)
            var noiseRng = SeededGenerator(seed: UInt64(si * 100 + ii + 1))
            let noisy = clean + Random.normal(clean.shape, using: &noiseRng) * sigma
            let model = noisy.map { 2 * $0 - 1 }
            var row = [(try? Metrics.psnr(noisy.clamped(0, 1), clean)) ?? .nan]
            for n in nets {
                var r = SeededGenerator(seed: 3)
                let t = n.prior.schedule.time(forInverseSNR: Double(2 * sigma)), a = Float(n.prior.schedule.alpha(t))
                let x0 = n.prior.x0((model * a).reshaped([1] + model.shape), t: t, using: &r).reshaped(model.shape).map { ($0 + 1) / 2 }
                row.append((try? Metrics.psnr(x0.clamped(0, 1), clean)) ?? .nan)
            }
            for k in row.indices { sums[si][k] += row[k] }
            print(String(format: "| %@ | %.0f | ", name, s255) + row.map { String(format: "%.2f", $0) }.joined(separator: " | ") + " |")
        }
    }
    for (si, s255) in sigmas.enumerated() {
        print(String(format: "| mean | %.0f | ", s255) + sums[si].map { String(format: "%.2f", $0 / Double(names.count)) }.joined(separator: " | ") + " |")
    }
}

/// The demo images at side `size` in model space [-1, 1], RGB: the `*-64` files for 64, else the
/// full images area-resized (shorter side = size) and centre-cropped.
func candidateImages(size: Int, quick: Bool) throws -> [(name: String, truth: Tensor)] {
    let names = quick ? ["astronaut"] : ["astronaut", "camera", "chelsea", "coffee"]
    return try names.map { name in
        var img: Tensor
        if size == 64 {
            img = try Image.load(path: benchImagePath(name + "-64"))
        } else {
            img = try Image.load(path: benchImagePath(name))
            let h = img.shape[1], w = img.shape[2], s = Double(size) / Double(min(h, w))
            img = img.areaResized(height: max(size, Int((Double(h) * s).rounded())), width: max(size, Int((Double(w) * s).rounded())))
                .centerCropped(height: size, width: size)
        }
        if img.shape[0] == 1 { img = Tensor.concatenated([img, img, img]) }
        return ("\(name)-\(size)", img * 2 - 1)
    }
}

/// RED-diff with each network on sr4 and 70 % inpainting at two learning rates: PSNR over all
/// pixels, the textured half and the smooth half of the ground truth.
func benchCandidateREDDiff(nets: [(label: String, prior: UNetPrior)], size: Int, quick: Bool) throws {
    let images = try candidateImages(size: size, quick: quick)
    let steps = quick ? 20 : 100, sigmaY = 0.02
    let tasks: [RestorationTask] = [.sr4, .random]
    let lrs = (ProcessInfo.processInfo.environment["RED_BENCH_LRS"] ?? "0.1,0.5").split(separator: ",").compactMap { Double($0) }
    print("\nRED-diff \(steps) steps, σ_y = 0.01 on [0,1], \(size)×\(size) demo images: mean PSNR dB, all / textured half / smooth half")
    print("| task | lr | " + nets.map(\.label).joined(separator: " | ") + " |")
    print("|---|---|" + String(repeating: "---|", count: nets.count))
    for task in tasks {
        for lr in lrs {
            var sums = [[Double]](repeating: [0, 0, 0], count: nets.count)
            for (name, truth) in images {
                var rng = SeededGenerator(seed: 3)
                let op = try task.makeOperator(shape: truth.shape, using: &rng)
                let y = try MeasurementNoise(sigma: sigmaY).apply(to: op.apply(truth), using: &rng)
                let clean = (truth + 1) / 2
                let split = TextureSplit(clean)
                var cells = [String]()
                for (k, n) in nets.enumerated() {
                    let problem = InverseProblem(prior: n.prior, op: op, y: y, sigmaY: sigmaY, groundTruth: truth, isImage: true)
                    var r = SeededGenerator(seed: 5)
                    let out = try Sampler.solve(problem, method: .reddiff(REDDiffOptions(steps: steps, lr: lr)), using: &r)
                    let est = (out.item(0).clamped(-1, 1) + 1) / 2
                    let p = split.psnr(est, clean)
                    for j in 0..<3 { sums[k][j] += p[j] }
                    cells.append(String(format: "%.2f/%.2f/%.2f", p[0], p[1], p[2]))
                }
                if !quick { print("| \(task.rawValue) \(name) | \(lr) | " + cells.joined(separator: " | ") + " |") }
            }
            let n = Double(images.count)
            print("| **\(task.rawValue) mean** | \(lr) | " + sums.map { String(format: "**%.2f**/%.2f/%.2f", $0[0] / n, $0[1] / n, $0[2] / n) }.joined(separator: " | ") + " |")
        }
    }
}
