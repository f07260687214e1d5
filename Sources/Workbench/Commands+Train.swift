import Foundation
import ScriptLang
import TensorCore
import Diffusion

extension Session {
    /// `train patch "FOLDER" to "OUT.safetensors" [components=48 chroma=16 iterations=30
    /// patches=200000 size=768]`: trains a patch-GMM natural-image prior by EM on every PNG/PPM/PGM
    /// image of FOLDER (area-resized so the longest side is at most `size`), seeded by the
    /// session's seed, prints the log-likelihood of every EM iteration, writes the prior file
    /// atomically and makes it the session's prior.
    func cmdTrain(_ a: Arguments) throws {
        let kind = try a.positionalText(0, "what to train")
        guard kind == "patch" else {
            throw a.error(.badChoice("model", value: kind, choices: ["patch"], suggestion: EditDistance.suggestion(for: kind, among: ["patch"])),
                          a.positionals[0].range)
        }
        try a.atMost(2)
        let folder = try a.positionalText(1, "a folder of training images")
        guard let outName = try a.text("to") else { throw failure(a, "train needs an output file: to \"my-prior.safetensors\"") }
        var o = PatchMixturePrior.TrainingOptions()
        o.lumaComponents = try a.integer("components")
        o.chromaComponents = try a.integer("chroma")
        o.iterations = try a.integer("iterations")
        o.patches = try a.integer("patches")
        let maxSide = try a.integer("size")
        var seedSource = state.nextGenerator()
        o.seed = seedSource.next()

        let dir = resolveInput(folder)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw failure(a, "'\(folder)' is not a folder", at: a.positionals[1].range, kind: .input)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { ["png", "jpg", "jpeg", "ppm", "pgm", "pnm"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !names.isEmpty else { throw failure(a, "no PNG/JPEG/PPM/PGM images in '\(folder)'", at: a.positionals[1].range, kind: .input) }
        var images: [Tensor] = []
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            var im = try attempt(a, kind: .input) { try Image.load(path: path) }
            let (_, h, w) = im.imageGeometry
            if max(h, w) > maxSide {
                let s = Double(maxSide) / Double(max(h, w))
                im = im.areaResized(height: max(1, Int(Double(h) * s)), width: max(1, Int(Double(w) * s)))
            }
            images.append(im)
        }
        output("train: \(images.count) images from '\(folder)', \(o.lumaComponents)+\(o.chromaComponents) components, \(o.iterations) EM iterations, \(o.patches) patches")
        let start = Date()
        let prior = try attempt(a) {
            try PatchMixturePrior.train(images: images, options: o) { stage, p in
                if cancellation.isCancelled { return }
                let elapsed = Date().timeIntervalSince(start)
                if let report = progressReport, state.progress {
                    // a front end draws one progress line per stage instead of a line per iteration
                    report(ProgressReport(label: "train \(stage)", step: p.iteration, total: p.iterations, loss: p.logLikelihood,
                                          lossName: "log-likelihood", unit: "iterations", elapsed: elapsed, done: p.iteration == p.iterations))
                    return
                }
                output(String(format: "  %@ iteration %d/%d  log-likelihood %.4f%@  (%.1f s)", stage, p.iteration, p.iterations,
                              p.logLikelihood, p.restarted > 0 ? "  (restarted \(p.restarted) empty components)" : "", elapsed))
            }
        }
        let out = resolveInput(outName)
        try attempt(a, at: a.options["to"]?.range, kind: .output) { try prior.write(to: out) }
        state.prior = prior
        state.priorName = "\"\(outName)\" (trained)"
        output(String(format: "train: wrote %@ in %.1f s; it is now the prior", outName, Date().timeIntervalSince(start)))
    }
}
