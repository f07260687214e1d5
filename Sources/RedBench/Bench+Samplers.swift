import Foundation
import TensorCore
import Degradations
import Diffusion
import Samplers

/// Sampler benchmarks: sliced Wasserstein to the exact GMM posterior (D = 8 and 80) with the
/// floor and ceiling measured in the same run, RED-diff's cost beyond the prior call, time and
/// peak memory per step of RED-diff vs DPS, and the image-restoration table.
func benchSamplers(quick: Bool) {
    Report.section("samplers")
    for dim in [8, 80] {
        do { try benchExactPosterior(dim: dim, quick: quick) } catch { print("exact posterior D=\(dim): \(error)") }
    }
    do { try benchSamplerCost(quick: quick) } catch { print("sampler cost: \(error)") }
    do { try benchImageRestoration(quick: quick) } catch { print("image restoration: \(error)") }
}

/// The fixture folder (`Tests/SamplersTests/Fixtures`), from the working directory or this file.
func samplersFixture(_ name: String) -> String {
    let local = "Tests/SamplersTests/Fixtures/" + name
    if FileManager.default.fileExists(atPath: local) { return local }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(local).path
}

/// A prior wrapper that accumulates the seconds spent in the wrapped prior.
final class TimedPrior: DiffusionPrior, @unchecked Sendable {
    let inner: any DiffusionPrior
    var seconds = 0.0, calls = 0
    init(_ inner: any DiffusionPrior) { self.inner = inner }
    var name: String { inner.name }
    var schedule: NoiseSchedule { inner.schedule }
    var dataShape: DataShape { inner.dataShape }
    func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let start = Date()
        defer { seconds += Date().timeIntervalSince(start); calls += 1 }
        return inner.epsilon(xt, t: t, using: &rng)
    }
    func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        let start = Date()
        defer { seconds += Date().timeIntervalSince(start); calls += 1 }
        return inner.x0WithVJP(xt, t: t, cotangent: v, using: &rng)
    }
}

/// Peak resident memory (VmHWM) in MiB; `resetPeakMemory()` restarts the high-water mark.
func peakMemoryMiB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return .nan }
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
    return kb / 1024
}

func resetPeakMemory() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

func benchExactPosterior(dim: Int, quick: Bool) throws {
    let prior = try GaussianMixturePrior(contentsOf: samplersFixture("gmm/gmm-d\(dim)-prior.safetensors"))
    let file = try SafeTensors(contentsOf: samplersFixture("gmm/gmm-d\(dim)-problem.safetensors"))
    let a = try file.tensor("A", shape: [2, dim]), y = try file.tensor("y", shape: [2])
    let reference = try file.tensor("posterior_samples", shape: [2000, dim])
    let problem = InverseProblem(prior: prior, op: try MatrixOperator(a), y: y, sigmaY: 0.5, isImage: false)
    let posterior = try prior.posterior(matrix: a, observation: y, noiseSigma: 0.5)
    let n = 200, steps = quick ? 200 : 1000
    // Adam's lr is a step in data units: the paper's lr (0.1 config, 0.5 recommended) is tuned for
    // images in [-1, 1] (spread 0.5); `lrscale=data` carries it to this prior's spread.
    let scale = prior.dataSpread / DiffusionPriorScale.image
    func scaled(_ lr: Double) -> REDDiffOptions {
        var o = REDDiffOptions(steps: steps, lr: lr); o.lrScale = .data; return o
    }
    func sw(_ x: Tensor) throws -> (Double, Double) {
        var rng = SeededGenerator(seed: 7)
        let c = try SlicedWasserstein.compare(x, reference, directions: 100, using: &rng)
        return (c.slicedWasserstein, c.meanError)
    }
    func residual(_ x: Tensor) -> Double {
        (0..<x.shape[0]).reduce(0.0) { $0 + Double((problem.op.apply(x.item($1)) - y).norm()) } / Double(x.shape[0])
    }
    print("\nexact posterior, GMM D=\(dim) (25 components, A 2x\(dim), sigma_y 0.5), \(n) samples vs 2000 exact draws, SW1 over 100 directions")
    print(String(format: "prior spread %.2f per coordinate: lrscale=data multiplies lr by %.1f (images in [-1,1]: spread 0.5)", prior.dataSpread, scale))
    print("method                                     SW1    mean err  mean|y-Ax|   seconds")
    func row(_ label: String, _ x: Tensor, _ seconds: Double) throws {
        let (s, e) = try sw(x)
        print(padded(label, 42) + String(format: "%7.3f  %8.3f  %9.3f  %8.2f", s, e, residual(x), seconds))
    }
    var rng = SeededGenerator(seed: 9)
    try row("floor: fresh exact posterior draws", posterior.sample(n: n, using: &rng), 0)
    try row("ceiling: prior draws", prior.sample(n: n, using: &rng), 0)
    let methods: [(String, SamplerMethod)] = [
        ("reddiff steps=\(steps) lr=0.5 (recommended)", .reddiff(REDDiffOptions(steps: steps, lr: 0.5))),
        ("reddiff steps=\(steps) lr=0.1 (config)", .reddiff(REDDiffOptions(steps: steps, lr: 0.1))),
        ("reddiff steps=\(steps) lr=0.5 obsweight=auto", .reddiff(REDDiffOptions(steps: steps, lr: 0.5, obsWeight: .auto(reference: 0.1)))),
        ("reddiff steps=\(steps) lr=0.5 init=noise", .reddiff(REDDiffOptions(steps: steps, lr: 0.5, initialization: .noise))),
        ("reddiff lr=0.1 lrscale=data", .reddiff(scaled(0.1))),
        ("reddiff lr=0.5 lrscale=data", .reddiff(scaled(0.5))),
        ("dps steps=\(steps) zeta=0.5", .dps(DPSOptions(zeta: 0.5, steps: steps))),
        ("pigdm steps=100", .pigdm(PiGDMOptions(steps: 100))),
        ("ddrm steps=20 eta=0.85", .ddrm(DDRMOptions(steps: 20))),
        ("ddrm steps=100 eta=0.85", .ddrm(DDRMOptions(steps: 100))),
    ]
    for (label, method) in methods {
        var r = SeededGenerator(seed: 8)
        let out = try Sampler.solve(problem, method: method, n: n, using: &r)
        try row(label, out.samples, out.trace.seconds)
    }
}

/// RED-diff's cost beyond the prior call, and RED-diff vs DPS per step (time, peak memory).
func benchSamplerCost(quick: Bool) throws {
    print("\nper-step cost (TimedPrior measures the time inside the prior)")
    print("problem                          method    ms/step  prior ms/step  beyond prior  peak MiB")
    let prior = try GaussianMixturePrior(contentsOf: samplersFixture("gmm/gmm-d80-prior.safetensors"))
    let file = try SafeTensors(contentsOf: samplersFixture("gmm/gmm-d80-problem.safetensors"))
    let op = try MatrixOperator(try file.tensor("A", shape: [2, 80]))
    let y = try file.tensor("y", shape: [2])
    try costRows(label: "GMM D=80, n=200", prior: prior, op: op, y: y, sigmaY: 0.5, n: 200, steps: quick ? 50 : 200, image: false)

    // A 256x256 RGB image, 4x super-resolution, with the image prior of the restoration table.
    let imagePrior = try benchImagePrior()
    let truth = try Image.load(path: benchImagePath("astronaut")) * 2 - 1
    let sr = try BlockAverage(shape: truth.shape, factor: 4)
    let ySR = sr.apply(truth)
    try costRows(label: "256x256 RGB sr4, \(imagePrior.name)", prior: imagePrior, op: sr, y: ySR, sigmaY: 0, n: 1,
                 steps: quick ? 3 : 10, image: false)
    if !quick {
        // 100 RED-diff steps on 256x256 RGB, wall time and peak memory against 10 steps.
        let problem = InverseProblem(prior: imagePrior, op: sr, y: ySR, sigmaY: 0, groundTruth: truth, isImage: true)
        for steps in [10, 100] {
            var rng = SeededGenerator(seed: 1)
            resetPeakMemory()
            let out = try Sampler.solve(problem, method: .reddiff(REDDiffOptions(steps: steps, lr: 0.1)), using: &rng)
            print(String(format: "reddiff %d steps, 256x256 RGB sr4, %@: %.1f s wall, peak %.1f MiB, PSNR %.2f dB", steps,
                         imagePrior.name, out.trace.seconds, peakMemoryMiB(), out.trace.rows.last?.psnr ?? .nan))
        }
    }
}

/// One row per method: wall time per step, prior time per step, the share beyond the prior.
func costRows(label: String, prior: any DiffusionPrior, op: any ForwardOperator, y: Tensor, sigmaY: Double,
              n: Int, steps: Int, image: Bool) throws {
    for (name, method) in [("reddiff", SamplerMethod.reddiff(REDDiffOptions(steps: steps, lr: 0.1))),
                           ("dps", .dps(DPSOptions(zeta: 0.5, steps: steps)))] {
        let timed = TimedPrior(prior)
        let problem = InverseProblem(prior: timed, op: op, y: y, sigmaY: sigmaY, isImage: image)
        var rng = SeededGenerator(seed: 1)
        resetPeakMemory()
        let before = peakMemoryMiB()
        let out = try Sampler.solve(problem, method: method, n: n, using: &rng)
        let peak = peakMemoryMiB()
        let total = out.trace.seconds / Double(steps), inPrior = timed.seconds / Double(steps)
        print(padded(label, 33) + padded(name, 9) + String(format: "%8.2f  %13.2f  %11.1f%%  %8.1f (+%.1f)",
                     total * 1e3, inPrior * 1e3, 100 * (total - inPrior) / total, peak, peak - before))
    }
}

/// `s` padded with spaces to `width` characters (at least one space after).
func padded(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
