import Foundation
import TensorCore

extension UNetTrainer {
    /// The sidecar holding the resumable state of the checkpoint at `path`.
    public static func statePath(for path: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + ".state.safetensors"
    }

    /// The metadata of a checkpoint (what `UNetPrior(contentsOf:)` reads).
    func checkpointMetadata() -> [String: String] {
        ["format": UNetModel.checkpointFormat, "config": options.config.json, "diffusion_steps": String(options.diffusionSteps),
         "noise_schedule": "linear", "rescale_timesteps": "false", "step": String(step),
         "trainer": "red UNetTrainer: eps-prediction, Adam lr \(options.learningRate), EMA \(options.emaDecay), crops \(options.cropSize), batch \(options.batchSize), seed \(options.seed)"]
    }

    /// Writes the checkpoint: first the state sidecar (weights, EMA, Adam moments, step), then
    /// the EMA weights at `path`; each file atomically (a temporary file, then a rename).
    public func saveCheckpoint(to path: String) throws {
        var state: [String: Tensor] = [:]
        for (key, t) in parameters { state["param/" + key] = t }
        for (key, t) in ema { state["ema/" + key] = t }
        for (key, t) in optimizer.m { state["adam_m/" + key] = t }
        for (key, t) in optimizer.v { state["adam_v/" + key] = t }
        var meta = checkpointMetadata()
        meta["format"] = "red-unet-trainer-state"
        meta["seed"] = String(options.seed)
        do {
            try SafeTensors(tensors: state, metadata: meta).write(to: Self.statePath(for: path))
            try SafeTensors(tensors: ema, metadata: checkpointMetadata()).write(to: path)
        } catch {
            throw NetworkError.file(path: path, message: "cannot write the checkpoint: \(error)")
        }
    }

    /// Restores weights, EMA, Adam moments and step from the sidecar of `path`; false when there is none.
    /// - Throws: `NetworkError.file` when the state does not belong to this configuration and seed.
    @discardableResult
    public func resume(from path: String) throws -> Bool {
        let sp = Self.statePath(for: path)
        guard FileManager.default.fileExists(atPath: sp) else { return false }
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: sp) } catch { throw NetworkError.file(path: sp, message: "\(error)") }
        guard file.metadata["format"] == "red-unet-trainer-state", let json = file.metadata["config"],
              let cfg = try? UNetConfig(json: json), cfg == options.config else {
            throw NetworkError.file(path: sp, message: "not a training state of this network configuration")
        }
        guard file.metadata["seed"] == String(options.seed) else {
            throw NetworkError.file(path: sp, message: "the state was trained with seed \(file.metadata["seed"] ?? "?"), not \(options.seed)")
        }
        guard let k = Int(file.metadata["step"] ?? ""), k >= 0 else { throw NetworkError.file(path: sp, message: "no step in the metadata") }
        var p: [String: Tensor] = [:], e: [String: Tensor] = [:], m: [String: Tensor] = [:], v: [String: Tensor] = [:]
        for (key, shape) in shapes {
            guard let a = file.tensors["param/" + key], let b = file.tensors["ema/" + key], a.shape == shape, b.shape == shape else {
                throw NetworkError.file(path: sp, message: "missing or misshapen weights for '\(key)'")
            }
            p[key] = a; e[key] = b
            if let x = file.tensors["adam_m/" + key], let y = file.tensors["adam_v/" + key] { m[key] = x; v[key] = y }
        }
        parameters = p; ema = e
        optimizer.m = m; optimizer.v = v; optimizer.step = k
        return true
    }
}

/// What `UNetTrainer.run` reports after a step.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    /// Mean loss since the previous report.
    public var loss: Float
    public var stepsPerSecond: Double
    public var remainingSeconds: Double
    /// True when a checkpoint was written after this step.
    public var checkpointed: Bool
}

extension UNetTrainer {
    /// Trains until `options.steps`, checkpointing every `checkpointEvery` steps and at the end;
    /// calls `report` every `reportEvery` steps and at checkpoints. `shouldStop` is polled after
    /// each step (e.g. a Ctrl-C flag): a requested stop writes a checkpoint. `stopAfter` ends the
    /// run after that step without a checkpoint of its own (what a kill leaves behind).
    public func run(stopAfter: Int? = nil, reportEvery: Int = 10, shouldStop: () -> Bool = { false },
                    report: (TrainingProgress) -> Void = { _ in }) throws {
        let end = Swift.min(options.steps, stopAfter ?? Int.max)
        let start = Date(), firstStep = step
        var lossSum = 0.0, lossCount = 0
        while step < end {
            lossSum += Double(try trainStep()); lossCount += 1
            var saved = false
            let stopping = shouldStop()
            if let path = options.checkpointPath,
               (options.checkpointEvery > 0 && step % options.checkpointEvery == 0) || step == options.steps || stopping {
                try saveCheckpoint(to: path); saved = true
            }
            if saved || step % Swift.max(1, reportEvery) == 0 || step == end {
                let rate = Double(step - firstStep) / Swift.max(Date().timeIntervalSince(start), 1e-9)
                report(TrainingProgress(step: step, totalSteps: options.steps, loss: Float(lossSum / Double(Swift.max(lossCount, 1))),
                                        stepsPerSecond: rate, remainingSeconds: Double(options.steps - step) / Swift.max(rate, 1e-9),
                                        checkpointed: saved))
                lossSum = 0; lossCount = 0
            }
            if stopping { break }
        }
    }

    /// Loads every `.png`/`.jpg` image of a folder (sorted by name) as `[C, H, W]` in [0, 1].
    /// - Throws: `NetworkError.file` when the folder has no readable image.
    public static func loadImages(folder: String, gray: Bool = false) throws -> [Tensor] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { [".png", ".jpg", ".jpeg"].contains(where: $0.lowercased().hasSuffix) }
        var out: [Tensor] = []
        for name in names {
            do { out.append(try Image.load(path: folder + "/" + name, gray: gray)) } catch {
                throw NetworkError.file(path: folder + "/" + name, message: "\(error)")
            }
        }
        guard !out.isEmpty else { throw NetworkError.file(path: folder, message: "no .png or .jpg images in the folder") }
        return out
    }
}
