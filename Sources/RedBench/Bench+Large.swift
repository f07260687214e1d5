import Degradations
import Diffusion
import Foundation
import Networks
import Samplers
import TensorCore

/// Large photos: RED-diff with the patch prior (`prior natural`) at 256² … 2048² RGB and on a
/// 2048×1536 photo, time per step and per megapixel, and the peak memory of each solve against
/// `Sampler.estimatedPeakBytes`; then the estimate against measured peaks for the shipped U-Net
/// (RED-diff and DPS, and an odd size through `ShapeAdaptedPrior`).
///
/// Every row runs in a fresh child process (this executable with
/// `RED_BENCH_LARGE_CHILD=prior,method,width,height,steps`): 4x super-resolution (block average)
/// of the astronaut mirror-tiled to the size, σ_y = 0.01. Memory: a two-step solve with the
/// ground truth, so that the trace computes PSNR and SSIM as a session's solve does; peak = the
/// child's VmHWM after it minus its resident size just before it (prior, image and problem
/// loaded, OpenBLAS started). Time: the fastest step of a second solve of `steps` steps without
/// the metrics (the least disturbed by other processes on a shared machine).
func benchLarge(quick: Bool) {
    if let spec = ProcessInfo.processInfo.environment[largeChildVariable] {
        do { try largeChild(spec) } catch { print("large child: \(error)") }
        return
    }
    Report.section("large photos")
    let steps = quick ? 2 : 4
    print("RED-diff, patch prior, 4x super-resolution, RGB: fastest of \(steps) steps, memory of 2 steps with PSNR/SSIM;")
    print("peak = VmHWM − resident before the solve, one child process per row")
    print("size             ms/step  ms/step/MP  peak MiB  estimate MiB  estimate/peak  VmHWM MiB")
    let sizes = quick ? [(256, 256), (512, 512)] : [(256, 256), (512, 512), (1024, 1024), (2048, 2048), (2048, 1536)]
    for (w, h) in sizes { largeRow(prior: "natural", method: "reddiff", width: w, height: h, steps: steps) }
    largeScaling(quick: quick)
    print("\nshipped U-Net, the same (eps, vjp: one prior call, ms per call, against `workingBytes`)")
    print("size             ms/step  ms/step/MP  peak MiB  estimate MiB  estimate/peak  VmHWM MiB")
    let unetSizes = quick ? [(64, 64)] : [(64, 64), (128, 128), (256, 256), (252, 188)]
    for method in ["eps", "vjp", "reddiff", "dps"] {
        for (w, h) in unetSizes { largeRow(prior: "unet", method: method, width: w, height: h, steps: steps) }
    }
}

let largeChildVariable = "RED_BENCH_LARGE_CHILD"

/// The patch prior's ε̂ (95 % of a RED-diff step) at each size, best of 2 calls run
/// interleaved, so that the per-megapixel costs are compared under the same machine load.
func largeScaling(quick: Bool) {
    let sides = quick ? [256, 512] : [256, 512, 1024, 2048]
    do {
        let stdlib = URL(fileURLWithPath: benchImagePath("astronaut")).deletingLastPathComponent().deletingLastPathComponent().path
        let prior = try Priors.natural(stdlib: stdlib)
        let image = try Image.load(path: benchImagePath("astronaut")) * 2 - 1
        let inputs = sides.map { mirrorTiled(image, height: $0, width: $0).reshaped([1, 3, $0, $0]) * 0.9 }
        let times = Timing.bestInterleaved(of: 2, warmup: 0, inputs.map { x in { var rng = SeededGenerator(seed: 1); blackHole(prior.epsilon(x, t: 300, using: &rng)) } })
        print("\npatch prior ε̂ alone, RGB, best of 2 interleaved calls:")
        for (side, t) in zip(sides, times) {
            print(padded("\(side)x\(side)", 15) + String(format: "  %7.0f ms  %6.0f ms/MP", t * 1e3, t * 1e3 / (Double(side * side) / 1e6)))
        }
    } catch { print("scaling: \(error)") }
}

/// Runs one child and prints its row.
func largeRow(prior: String, method: String, width w: Int, height h: Int, steps: Int) {
    let label = padded("\(w)x\(h) \(prior == "unet" ? method : "")", 15)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    p.arguments = ["large"]
    var env = ProcessInfo.processInfo.environment
    env[largeChildVariable] = "\(prior),\(method),\(w),\(h),\(steps)"
    p.environment = env
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch { print(label + "  could not start: \(error)"); return }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else {
        print(label + "  failed: " + text.split(separator: "\n").suffix(2).joined(separator: " / ")); return
    }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard v.count == 4 else { print(label + "  bad result \(line)"); return }
    let mp = Double(w * h) / 1e6
    print(label + String(format: "  %7.0f  %10.0f  %8.1f  %12.1f  %13.2f  %9.1f", v[0] * 1e3, v[0] * 1e3 / mp, v[1], v[2], v[2] / v[1], v[3]))
}

/// The child: a two-step solve with PSNR/SSIM for the memory, then `steps` steps without them for
/// the time; prints `RESULT <seconds of the fastest step> <peak MiB added> <estimate MiB> <VmHWM MiB>`.
func largeChild(_ spec: String) throws {
    let parts = spec.split(separator: ",").map(String.init)
    guard parts.count == 5, let w = Int(parts[2]), let h = Int(parts[3]), let steps = Int(parts[4]) else {
        print("bad \(largeChildVariable)=\(spec)"); return
    }
    let stdlib = URL(fileURLWithPath: benchImagePath("astronaut")).deletingLastPathComponent().deletingLastPathComponent().path
    let truth = mirrorTiled(try Image.load(path: benchImagePath("astronaut")) * 2 - 1, height: h, width: w)
    var prior: any DiffusionPrior = parts[0] == "unet" ? try efficiencyPrior() : try Priors.natural(stdlib: stdlib)
    prior = try ShapeAdaptedPrior.adapting(prior, to: truth.shape)
    if parts[1] == "eps" || parts[1] == "vjp" {   // one prior call on the noisy image
        var rng = SeededGenerator(seed: 1)
        let x = truth.reshaped([1] + truth.shape), vjp = parts[1] == "vjp"
        let estimate = Double(prior.workingBytes(itemShape: truth.shape, items: 1, withVJP: vjp) ?? 0) / 1_048_576
        blackHole(Linalg.matmul(Tensor.ones([512, 512]), Tensor.ones([512, 512])))
        let before = SystemMemory.resident ?? 0
        SystemMemory.resetPeak()
        let t0 = Timing.now()
        if vjp { blackHole(prior.x0WithVJP(x, t: 500, cotangent: x, using: &rng)) } else { blackHole(prior.epsilon(x, t: 500, using: &rng)) }
        let seconds = Timing.now() - t0, total = SystemMemory.peakResident ?? 0
        print("RESULT \(seconds) \(Double(total - before) / 1_048_576) \(estimate) \(Double(total) / 1_048_576)")
        return
    }
    func method(_ steps: Int) -> SamplerMethod {
        parts[1] == "dps" ? .dps(DPSOptions(zeta: 0.5, steps: steps)) : .reddiff(REDDiffOptions(steps: steps, lr: 0.5))
    }
    let op = try BlockAverage(shape: truth.shape, factor: 4)
    var problem = InverseProblem(prior: prior, op: op, y: op.apply(truth), sigmaY: 0.02, groundTruth: truth, isImage: true)
    let estimate = Double(Sampler.estimatedPeakBytes(problem, method: method(2)) ?? 0) / 1_048_576
    // Memory: two steps with PSNR/SSIM in the trace, from a fresh peak.
    var rng = SeededGenerator(seed: 1)
    blackHole(Linalg.matmul(Tensor.ones([512, 512]), Tensor.ones([512, 512])))   // OpenBLAS's buffers, as in a warm session
    let before = SystemMemory.resident ?? 0
    SystemMemory.resetPeak()
    blackHole(try Sampler.solve(problem, method: method(2), using: &rng))
    let total = SystemMemory.peakResident ?? 0
    // Time: `steps` steps without ground truth (no metrics in the loop).
    problem.groundTruth = nil
    var last = 0.0, fastest = Double.infinity
    let control = SolveControl(onStep: { info in
        fastest = Swift.min(fastest, info.elapsed - last); last = info.elapsed
        return .proceed
    })
    blackHole(try Sampler.solve(problem, method: method(steps), using: &rng, control: control))
    print("RESULT \(fastest) \(Double(total - before) / 1_048_576) \(estimate) \(Double(total) / 1_048_576)")
}

/// `image` `[C, h, w]` mirror-tiled (… b a | a b … z | z y …) to `height × width`.
func mirrorTiled(_ image: Tensor, height: Int, width: Int) -> Tensor {
    let (c, h, w) = image.imageGeometry
    func mirror(_ i: Int, _ n: Int) -> Int { let m = i % (2 * n); return m < n ? m : 2 * n - 1 - m }
    var out = [Float](repeating: 0, count: c * height * width)
    image.withUnsafeBufferPointer { src in
        for ch in 0..<c { for i in 0..<height {
            let row = src.baseAddress! + (ch * h + mirror(i, h)) * w, base = (ch * height + i) * width
            for j in 0..<width { out[base + j] = row[mirror(j, w)] }
        } }
    }
    return Tensor(shape: [c, height, width], scalars: out)
}
