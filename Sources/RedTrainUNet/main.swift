import Foundation
import Networks
import TensorCore

AllocatorPolicy.reuseFreedBlocks()

/// `red-train-unet`: trains a small ADM U-Net on random crops of a folder of images, with
/// checkpoints and resume (see `UNetTrainer`). Run `red-train-unet --help`.
let usage = """
    usage: red-train-unet --images DIR --output FILE.safetensors [options]
      --channels N        model channels (default 32)      --mult 1,2,2    channel multipliers
      --res-blocks N      residual blocks per level (2)    --attention 4   attention factors (comma list, '' none)
      --crop N            crop side (64)                   --batch N       batch size (8)
      --steps N           total steps (10000)              --lr X          Adam step size (2e-4)
      --ema X             EMA decay (0.999)                --seed N        seed (0)
      --every N           checkpoint interval in steps (100)
      --head-channels N   channels per attention head (-1: one head)
      --scale-shift       scale-shift normalisation     --resblock-updown  residual-block resampling
      --gray              train on one channel
    The shipped network's layout (trained on a GPU, Scripts/gpu): --mult 1,2,2,2 --res-blocks 2
    --attention 8 --head-channels 32 --scale-shift --resblock-updown.
    Resumes from OUTPUT's state sidecar (FILE.state.safetensors) when it exists.
    """

func fail(_ m: String) -> Never {
    FileHandle.standardError.write(Data("red-train-unet: \(m)\n".utf8))
    exit(1)
}

let args = Array(CommandLine.arguments.dropFirst())
if args.contains("--help") || args.isEmpty { print(usage); exit(0) }
let flagNames: Set<String> = ["--gray", "--scale-shift", "--resblock-updown"]
let gray = args.contains("--gray")
let values: [String: String] = {
    var out: [String: String] = [:]
    var i = 0
    while i < args.count {
        let a = args[i]
        if flagNames.contains(a) { i += 1; continue }
        guard a.hasPrefix("--"), i + 1 < args.count else { fail("unexpected argument '\(a)'\n\(usage)") }
        out[String(a.dropFirst(2))] = args[i + 1]
        i += 2
    }
    return out
}()

/// Set by SIGINT/SIGTERM: the run writes a checkpoint and stops after the current step.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0
let known: Set = ["images", "output", "channels", "mult", "res-blocks", "attention", "crop", "batch", "steps", "lr", "ema", "seed", "every", "head-channels"]
if let bad = values.keys.first(where: { !known.contains($0) }) { fail("unknown option --\(bad)\n\(usage)") }
func int(_ k: String, _ d: Int) -> Int {
    guard let s = values[k] else { return d }
    guard let v = Int(s) else { fail("--\(k) needs an integer, got '\(s)'") }
    return v
}
func float(_ k: String, _ d: Float) -> Float {
    guard let s = values[k] else { return d }
    guard let v = Float(s) else { fail("--\(k) needs a number, got '\(s)'") }
    return v
}
func list(_ k: String, _ d: [Int]) -> [Int] {
    guard let s = values[k] else { return d }
    if s.isEmpty { return [] }
    let parts = s.split(separator: ",").map { Int($0) }
    guard parts.allSatisfy({ $0 != nil }) else { fail("--\(k) needs a comma-separated list of integers, got '\(s)'") }
    return parts.compactMap { $0 }
}
guard let folder = values["images"], let output = values["output"] else { fail("--images and --output are required\n\(usage)") }
let inCh = gray ? 1 : 3
let config = UNetConfig(imageSize: int("crop", 64), inChannels: inCh, modelChannels: int("channels", 32), outChannels: inCh,
                        numResBlocks: int("res-blocks", 2), attentionResolutions: Set(list("attention", [4])),
                        channelMult: list("mult", [1, 2, 2]), numHeads: 1, numHeadChannels: int("head-channels", -1),
                        useScaleShiftNorm: args.contains("--scale-shift"), resblockUpdown: args.contains("--resblock-updown"))
let options = TrainingOptions(config: config, cropSize: int("crop", 64), batchSize: int("batch", 8), steps: int("steps", 10000),
                              learningRate: float("lr", 2e-4), emaDecay: float("ema", 0.999), seed: UInt64(int("seed", 0)),
                              checkpointEvery: int("every", 100), checkpointPath: output)
do {
    let images = try UNetTrainer.loadImages(folder: folder, gray: gray)
    let trainer = try UNetTrainer(options: options, images: images)
    let count = try UNetModel.parameterShapes(config: config).reduce(0) { $0 + $1.shape.reduce(1, *) }
    print("red-train-unet: \(images.count) images, \(count) parameters, config \(config.json)")
    if try trainer.resume(from: output) { print("resumed at step \(trainer.step) from \(UNetTrainer.statePath(for: output))") }
    signal(SIGINT) { _ in stopRequested = 1 }
    signal(SIGTERM) { _ in stopRequested = 1 }
    try trainer.run(reportEvery: 10, shouldStop: { stopRequested != 0 }, report: { p in
        let eta = Int(p.remainingSeconds)
        let line = String(format: "step %d/%d  loss %.4f  %.3f steps/s  remaining %dh%02dm%@\n", p.step, p.totalSteps, p.loss,
                          p.stepsPerSecond, eta / 3600, (eta / 60) % 60, p.checkpointed ? "  [checkpoint]" : "")
        FileHandle.standardOutput.write(Data(line.utf8))
    })
} catch {
    fail("\(error)")
}
