// red-train: trains the natural-image patch prior by EM on a folder of images.
//
//   red-train --images DIR --output FILE [--seed N] [--luma K] [--chroma K] [--patches N]
//             [--iterations N] [--side P] [--stride S]
//
// Scripts/train-natural runs it with the fixed settings of the shipped Stdlib/priors/natural.safetensors.
import Diffusion
import Foundation
import TensorCore

AllocatorPolicy.reuseFreedBlocks()

/// Prints a line unbuffered (progress shows up at once in a log file).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("red-train: \(message)\n".utf8))
    exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
var options = PatchMixturePrior.TrainingOptions()
var imagesDir: String?, output: String?
while !args.isEmpty {
    let flag = args.removeFirst()
    guard let value = args.first else { fail("\(flag) needs a value") }
    args.removeFirst()
    func int() -> Int { guard let v = Int(value), v >= 0 else { fail("\(flag) needs a non-negative integer, got '\(value)'") }; return v }
    switch flag {
    case "--images": imagesDir = value
    case "--output": output = value
    case "--seed": options.seed = UInt64(int())
    case "--luma": options.lumaComponents = int()
    case "--chroma": options.chromaComponents = int()
    case "--patches": options.patches = int()
    case "--iterations": options.iterations = int()
    case "--side": options.side = int()
    case "--stride": options.stride = int()
    default: fail("unknown option \(flag) (expected --images, --output, --seed, --luma, --chroma, --patches, --iterations, --side, --stride)")
    }
}
guard let imagesDir, let output else { fail("usage: red-train --images DIR --output FILE [--seed N] [--luma K] [--chroma K] [--patches N] [--iterations N]") }
let names = ((try? FileManager.default.contentsOfDirectory(atPath: imagesDir)) ?? [])
    .filter { [".png", ".jpg", ".jpeg", ".ppm", ".pgm"].contains(where: $0.lowercased().hasSuffix) }.sorted()
guard !names.isEmpty else { fail("no PNG/PPM/PGM images in \(imagesDir)") }
var images: [Tensor] = []
for name in names {
    do { images.append(try Image.load(path: imagesDir + "/" + name)) } catch { fail("\(error)") }
}
say("red-train: \(images.count) images, \(images.reduce(0) { $0 + $1.shape[1] * $1.shape[2] }) pixels; K luma \(options.lumaComponents), chroma \(options.chromaComponents), \(options.side)x\(options.side) patches, \(options.patches) per mixture, \(options.iterations) EM iterations, seed \(options.seed)")
let start = Date()
do {
    let prior = try PatchMixturePrior.train(images: images, options: options) { stage, p in
        say(String(format: "%@ iteration %d/%d  log-likelihood %.4f nats/patch  restarted %d  (%.0f s)",
                   stage, p.iteration, p.iterations, p.logLikelihood, p.restarted, Date().timeIntervalSince(start)))
    }
    try prior.write(to: output, extra: ["images": String(images.count), "seed": String(options.seed),
                                        "patches": String(options.patches), "iterations": String(options.iterations)])
    say("red-train: wrote \(output) in \(Int(Date().timeIntervalSince(start))) s")
} catch { fail("\(error)") }
