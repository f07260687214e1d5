import Degradations
import Diffusion
import Foundation
import Networks
import Samplers
import TensorCore

/// The efficiency claim of RED-diff (Mardani et al. 2023): no backward pass through the network,
/// so less time per step and less memory than DPS and ΠGDM; DDRM needs no network gradient
/// either. Time per step and peak resident memory with the same U-Net (the shipped
/// `Stdlib/priors/unet.safetensors` when present, else random weights of its configuration),
/// 4x super-resolution, at 64x64 and 256x256, batch 1 and the largest batch that fits a
/// fixed memory budget.
///
/// Each measurement runs in a fresh child process (this executable with the environment
/// variable `RED_BENCH_EFFICIENCY_CHILD=side,method,n,steps`), so that memory freed by earlier
/// runs cannot hide the peak: peak memory is the child's VmHWM at the end minus its resident
/// size just before the solve (model, image and problem loaded). The largest batch comes from a
/// linear fit of the peaks at batches 1 and 2 (peak(n) ≈ a + b·n) and is then run to confirm it fits.
func benchEfficiency(quick: Bool) {
    if let spec = ProcessInfo.processInfo.environment[efficiencyChildVariable] {
        do { try efficiencyChild(spec) } catch { print("efficiency child: \(error)") }
        return
    }
    Report.section("efficiency")
    do { try benchEfficiencyTable(quick: quick) } catch { print("efficiency: \(error)") }
}

let efficiencyChildVariable = "RED_BENCH_EFFICIENCY_CHILD"

func efficiencyMethods(steps: Int) -> [(String, SamplerMethod)] {
    [("reddiff", .reddiff(REDDiffOptions(steps: steps, lr: 0.1))), ("dps", .dps(DPSOptions(zeta: 0.5, steps: steps))),
     ("pigdm", .pigdm(PiGDMOptions(steps: steps))), ("ddrm", .ddrm(DDRMOptions(steps: steps)))]
}

/// The child: one solve, printing `RESULT <seconds per step> <peak MiB added>`.
func efficiencyChild(_ spec: String) throws {
    let parts = spec.split(separator: ",").map(String.init)
    guard parts.count == 4, let side = Int(parts[0]), let n = Int(parts[2]), let steps = Int(parts[3]),
          let method = efficiencyMethods(steps: steps).first(where: { $0.0 == parts[1] })?.1 else {
        print("bad \(efficiencyChildVariable)=\(spec)"); return
    }
    let problem = try efficiencyProblem(side: side)
    let (t, m) = try efficiencyRun(problem, method, steps: steps, n: n)
    print("RESULT \(t) \(m)")
}

func efficiencyProblem(side: Int) throws -> InverseProblem {
    let prior = try efficiencyPrior()
    let truth = try Image.load(path: benchImagePath("astronaut")) * 2 - 1
    let item = side == truth.shape[1] ? truth : truth.cropped(top: 64, left: 64, height: side, width: side)
    let op = try BlockAverage(shape: item.shape, factor: 4)
    return InverseProblem(prior: prior, op: op, y: op.apply(item), sigmaY: 0.01, isImage: true)
}

/// Runs one measurement in a child process; nil when it failed.
func efficiencyMeasure(side: Int, method: String, n: Int, steps: Int) -> (Double, Double)? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    p.arguments = ["efficiency"]
    var env = ProcessInfo.processInfo.environment
    env[efficiencyChildVariable] = "\(side),\(method),\(n),\(steps)"
    p.environment = env
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else { return nil }
    let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    return v.count == 2 ? (v[0], v[1]) : nil
}

/// The memory budget per solve (MiB above the resident size before it).
let efficiencyBudgetMiB = 1024.0

func efficiencyPrior() throws -> UNetPrior {
    let local = "Stdlib/priors/unet.safetensors"
    let path = FileManager.default.fileExists(atPath: local) ? local
        : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(local).path
    if FileManager.default.fileExists(atPath: path) { return try UNetPrior(contentsOf: path) }
    let config = UNetConfig(imageSize: 64, modelChannels: 32, outChannels: 3, numResBlocks: 1, attentionResolutions: [4], channelMult: [1, 2, 2])
    return try UNetPrior(model: try UNetModel.random(config: config, seed: 1), name: "unet (random weights)")
}

func residentMiB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return .nan }
    return (line.split(separator: " ").compactMap { Double($0) }.first ?? .nan) / 1024
}

/// Seconds per step and the peak memory (MiB) the solve added, for `n` solutions.
func efficiencyRun(_ problem: InverseProblem, _ method: SamplerMethod, steps: Int, n: Int) throws -> (Double, Double) {
    var rng = SeededGenerator(seed: 1)
    let before = residentMiB()
    resetPeakMemory()
    let out = try Sampler.solve(problem, method: method, n: n, using: &rng)
    return (out.trace.seconds / Double(steps), peakMemoryMiB() - before)
}

func benchEfficiencyTable(quick: Bool) throws {
    let prior = try efficiencyPrior()
    let steps = quick ? 2 : 3
    print("network: \(prior.name), 4x super-resolution (block average), \(steps) steps per solve, budget \(Int(efficiencyBudgetMiB)) MiB")
    print("size     method    batch  ms/step  ms/step/item  peak MiB  MiB/item")
    for side in quick ? [64] : [64, 256] {
        for (name, _) in efficiencyMethods(steps: steps) {
            guard let (t1, m1) = efficiencyMeasure(side: side, method: name, n: 1, steps: steps),
                  let (_, m2) = efficiencyMeasure(side: side, method: name, n: 2, steps: steps) else {
                print(padded("\(side)x\(side)", 9) + name + ": the measurement failed"); continue
            }
            let perItem = Swift.max(m2 - m1, 1), fixed = Swift.max(m1 - perItem, 0)
            var nMax = Swift.max(1, Int((efficiencyBudgetMiB - fixed) / perItem))
            nMax = Swift.min(nMax, quick ? 4 : (side == 64 ? 256 : 64))
            var result = efficiencyMeasure(side: side, method: name, n: nMax, steps: steps)
            while let (_, m) = result, m > efficiencyBudgetMiB, nMax > 1 {   // the fit was optimistic: shrink until it fits
                nMax = Swift.max(1, nMax * 3 / 4)
                result = efficiencyMeasure(side: side, method: name, n: nMax, steps: steps)
            }
            guard let (tN, mN) = result else { print(padded("\(side)x\(side)", 9) + name + ": the batch run failed"); continue }
            for (n, t, m) in [(1, t1, m1), (nMax, tN, mN)] {
                print(padded("\(side)x\(side)", 9) + padded(name, 10) + String(format: "%5d  %7.1f  %12.1f  %8.1f  %8.1f",
                      n, t * 1e3, t * 1e3 / Double(n), m, m / Double(n)))
            }
        }
    }
}
