import Foundation
import TensorCore
import Degradations
import Diffusion
import Samplers
import Denoisers
import Networks

/// The image prior of the restoration table: the shipped natural-image prior, or with
/// `RED_BENCH_PRIOR=unet` the shipped U-Net; `RED_BENCH_PRIOR=composite` the patch GMM with the DnCNN-17 family at 0.045 < σ ≤ 0.2.
func benchImagePrior() throws -> any DiffusionPrior {
    let local = "Stdlib"
    let dir = FileManager.default.fileExists(atPath: local + "/priors/natural.safetensors") ? local
        : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(local).path
    let patch = try Priors.natural(stdlib: dir)
    let choice = ProcessInfo.processInfo.environment["RED_BENCH_PRIOR"]
    if choice == "unet" { return try UNetPrior(contentsOf: "\(dir)/priors/unet.safetensors") }
    guard choice == "composite" else { return patch }
    let nets = try ["L", "M", "H", "N"].map { try DnCNN(contentsOf: "\(dir)/priors/dncnn/dncnn17\($0).safetensors") }
    return CompositePrior(low: DnCNNPrior(networks: nets, name: "dncnn17"), high: patch, switchSigma: 0.2, lowerSigma: 0.045)
}

/// `Stdlib/images/NAME.png`, from the working directory or this file.
func benchImagePath(_ name: String) -> String { "\(benchStdlib())/images/\(name).png" }

func benchImageRestoration(quick: Bool) throws {
    let prior = try benchImagePrior()
    let images = quick ? ["astronaut-64"] : ["astronaut-64", "coffee-64"]
    let sigmaPixel = 0.01, sigmaY = 2 * sigmaPixel
    let steps = quick ? 50 : 100
    print("\nimage restoration, prior \(prior.name), demo images \(images.joined(separator: ", ")) (64x64 RGB), sigma_y = \(sigmaPixel) on [0,1] for every task")
    print("RED-diff/DPS \(steps) steps (one RED-diff row \(10 * steps), the paper's comparison setting), PiGDM \(steps / 2), DDRM 20; DPS zeta as upstream per task; PSNR dB / SSIM averaged over the images")
    print("task           method                        PSNR    SSIM   seconds")
    // RED_BENCH_TASKS=deblur-gauss,sr4 restricts the table to some tasks.
    let only = ProcessInfo.processInfo.environment["RED_BENCH_TASKS"].map { Set($0.split(separator: ",").map(String.init)) }
    for task in RestorationTask.allCases where only?.contains(task.rawValue) ?? true {
        var rows = [String: (psnr: Double, ssim: Double, seconds: Double, count: Int)]()
        var order = [String]()
        for name in images {
            let truth = try Image.load(path: benchImagePath(name)) * 2 - 1
            var rng = SeededGenerator(seed: 3)
            let op = try task.makeOperator(shape: truth.shape, using: &rng)
            let noise = try MeasurementNoise(sigma: sigmaY)
            let y = noise.apply(to: op.apply(truth), using: &rng)
            let problem = InverseProblem(prior: prior, op: op, y: y, sigmaY: sigmaY, groundTruth: truth, isImage: true)
            func add(_ label: String, _ x: Tensor, _ seconds: Double) {
                let a = (truth + 1) / 2, b = (x.clamped(-1, 1) + 1) / 2
                let p = (try? Metrics.psnr(b, a)) ?? .nan, s = (try? Metrics.ssim(b, a)) ?? .nan
                if rows[label] == nil { order.append(label); rows[label] = (0, 0, 0, 0) }
                rows[label]!.psnr += p; rows[label]!.ssim += s; rows[label]!.seconds += seconds; rows[label]!.count += 1
            }
            let start = Date()
            add("classical: " + task.baselineName, task.baseline(y: y, op: op, truth: truth), Date().timeIntervalSince(start))
            for (label, method) in task.methods(steps: steps, op: op) {
                var r = SeededGenerator(seed: 5)
                do {
                    let out = try Sampler.solve(problem, method: method, using: &r)
                    add(label, out.item(0), out.trace.seconds)
                } catch { print("  \(task.rawValue) \(label): \(error)") }
            }
        }
        for label in order {
            guard let r = rows[label] else { continue }
            let c = Double(r.count)
            print(padded(task.rawValue, 15) + padded(label, 30) + String(format: "%6.2f  %6.4f  %7.1f",
                         r.psnr / c, r.ssim / c, r.seconds / c))
        }
    }
}

/// The restoration tasks of the table.
enum RestorationTask: String, CaseIterable {
    case box = "inpaint-box", random = "inpaint-70%", freeform = "inpaint-free", sr4
    case gaussianBlur = "deblur-gauss", motionBlur = "deblur-motion", colorize, phase, hdr

    func makeOperator(shape: [Int], using rng: inout SeededGenerator) throws -> any ForwardOperator {
        switch self {
        case .box: return try Mask.box(shape: shape)
        case .random: return try Mask.random(shape: shape, fraction: 0.7, using: &rng)
        case .freeform: return try Mask.freeform(shape: shape, using: &rng)
        case .sr4: return try BlockAverage(shape: shape, factor: 4)
        case .gaussianBlur: return try Blur.gaussian(shape: shape, sigma: 2)
        case .motionBlur: return try MotionBlur.line(shape: shape, length: 9, angle: 30)
        case .colorize: return try Colorize(shape: shape)
        case .phase: return try PhaseRetrieval(shape: shape, oversample: 2)
        case .hdr: return try HDR(shape: shape, scale: 2)
        }
    }

    /// Upstream DPS step sizes ζ (`Docs/algorithms.md` §3).
    var zeta: Double {
        switch self {
        case .box, .random, .freeform: return 0.5
        case .sr4, .colorize: return 1.0
        case .gaussianBlur, .motionBlur: return 2.0
        case .phase: return 0.4
        case .hdr: return 0.1
        }
    }

    var baselineName: String {
        switch self {
        case .box, .random, .freeform: return "harmonic fill"
        case .sr4: return "bicubic"
        case .gaussianBlur, .motionBlur: return "tuned Tikhonov"
        case .colorize, .phase, .hdr: return "pinv"
        }
    }

    func baseline(y: Tensor, op: any ForwardOperator, truth: Tensor) -> Tensor {
        switch self {
        case .box, .random, .freeform:
            if let m = op as? Mask { return Baselines.harmonicFill(y, mask: m.mask) }
        case .sr4: return Baselines.bicubicUpsample(y, factor: 4)
        case .gaussianBlur, .motionBlur:
            if let lin = op as? any LinearOperator { return Baselines.tunedTikhonov(y, op: lin, truth: truth).x }
        case .colorize, .phase, .hdr: break
        }
        return op.pseudoInverse(y)
    }

    func methods(steps: Int, op: any ForwardOperator) -> [(String, SamplerMethod)] {
        var m: [(String, SamplerMethod)] = [
            ("pinv", .pinv),
            ("reddiff lr=0.5", .reddiff(REDDiffOptions(steps: steps, lr: 0.5))),
            ("reddiff lr=0.1", .reddiff(REDDiffOptions(steps: steps, lr: 0.1))),
            ("reddiff lr=0.1 obsweight=auto", .reddiff(REDDiffOptions(steps: steps, lr: 0.1, obsWeight: .auto(reference: 0.1)))),
            ("reddiff steps=1000 lr=0.1", .reddiff(REDDiffOptions(steps: 10 * steps, lr: 0.1))),
            ("dps zeta=\(zeta)", .dps(DPSOptions(zeta: zeta, steps: steps))),
            ("pigdm", .pigdm(PiGDMOptions(steps: steps / 2))),
        ]
        if op.svd != nil { m.append(("ddrm", .ddrm(DDRMOptions(steps: 20)))) }
        if self == .phase {
            // The zero-phase inverse is symmetric and sits near a stationary point of the magnitude
            // loss; a noise start breaks the symmetry (upstream starts every task from H_pinv).
            m.append(("reddiff init=noise", .reddiff(REDDiffOptions(steps: steps, lr: 0.5, initialization: .noise))))
            m.append(("reddiff steps=1000 lr=0.1 init=noise", .reddiff(REDDiffOptions(steps: 10 * steps, lr: 0.1, initialization: .noise))))
        }
        return m
    }
}
