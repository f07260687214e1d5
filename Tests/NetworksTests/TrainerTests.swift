import Foundation
import Testing
import TensorCore
@testable import Networks

/// The Swift U-Net trainer: resume after an interruption is bit-identical, loss decreases, Adam.
struct TrainerTests {
    static let config = UNetConfig(imageSize: 16, modelChannels: 32, outChannels: 3, numResBlocks: 1,
                                   attentionResolutions: [2], channelMult: [1, 2])

    /// Smooth random images (so there is structure to learn).
    static func images(_ count: Int) -> [Tensor] {
        var rng = SeededGenerator(seed: 77)
        return (0..<count).map { _ in
            let small = Random.uniform([1, 3, 6, 6], using: &rng)
            return small.upsampledNearest2x().reshaped([3, 12, 12]).padded(top: 4, bottom: 4, left: 4, right: 4)
        }
    }

    static func tmp(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "red-trainer-\(ProcessInfo.processInfo.processIdentifier)-\(name)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/net.safetensors"
    }

    static func options(_ path: String) -> TrainingOptions {
        TrainingOptions(config: config, cropSize: 16, batchSize: 2, steps: 4, learningRate: 1e-3, emaDecay: 0.9,
                        seed: 5, checkpointEvery: 2, checkpointPath: path)
    }

    @Test func resumeAfterInterruptionIsBitIdentical() throws {
        let imgs = Self.images(3)
        let straight = try UNetTrainer(options: Self.options(Self.tmp("a")), images: imgs)
        try straight.run()
        #expect(straight.step == 4)

        let path = Self.tmp("b")
        let killed = try UNetTrainer(options: Self.options(path), images: imgs)
        try killed.run(stopAfter: 3)   // "killed" after step 3: only the checkpoint of step 2 exists
        #expect(killed.step == 3)
        let resumed = try UNetTrainer(options: Self.options(path), images: imgs)
        #expect(try resumed.resume(from: path))
        #expect(resumed.step == 2)   // at most the last interval is lost
        try resumed.run()
        for t in [resumed] {
            #expect(t.step == 4)
            for key in straight.parameters.keys {
                #expect(t.parameters[key]?.scalars == straight.parameters[key]?.scalars, "\(key)")
                #expect(t.ema[key]?.scalars == straight.ema[key]?.scalars, "ema \(key)")
                #expect(t.optimizer.v[key]?.scalars == straight.optimizer.v[key]?.scalars, "adam v \(key)")
            }
        }
        // the checkpoint is a loadable prior with the EMA weights
        let prior = try UNetPrior(contentsOf: path)
        #expect(prior.schedule.count == 1000)
        let file = try SafeTensors(contentsOf: path)
        #expect(file.metadata["step"] == "4")
        #expect(file.tensors["out.2.weight"]?.scalars == straight.ema["out.2.weight"]?.scalars)
    }

    @Test func resumeRejectsAnotherSeed() throws {
        let path = Self.tmp("d")
        let a = try UNetTrainer(options: Self.options(path), images: Self.images(2))
        try a.run(stopAfter: 2)
        var o = Self.options(path)
        o.seed = 6
        let b = try UNetTrainer(options: o, images: Self.images(2))
        #expect(throws: NetworkError.self) { try b.resume(from: path) }
    }

    @Test func lossDecreases() throws {
        var o = Self.options(Self.tmp("e"))
        o.checkpointPath = nil
        o.steps = 24; o.batchSize = 4; o.learningRate = 2e-3
        let trainer = try UNetTrainer(options: o, images: Self.images(3))
        var losses: [Float] = []
        for _ in 0..<o.steps { losses.append(try trainer.trainStep()) }
        let head = losses.prefix(6).reduce(0, +) / 6, tail = losses.suffix(6).reduce(0, +) / 6
        #expect(tail < 0.8 * head, "\(losses)")
    }

    @Test func adamMatchesTheUpdateRule() {
        var adam = Adam()
        var p = ["w": Tensor(shape: [2], scalars: [1, -2])]
        let g = ["w": Tensor(shape: [2], scalars: [0.5, -4])]
        adam.update(&p, gradients: g, learningRate: 0.1)
        // first step: m̂ = g, v̂ = g², so θ moves by −α·g/(|g| + ε) = ∓0.1
        #expect(abs(p["w"]!.scalars[0] - 0.9) < 1e-6 && abs(p["w"]!.scalars[1] + 1.9) < 1e-6)
        adam.update(&p, gradients: g, learningRate: 0.1)
        #expect(abs(p["w"]!.scalars[0] - 0.8) < 1e-5)
    }

    @Test func badOptionsAreRejected() {
        var o = Self.options(Self.tmp("f"))
        for crop in [9, 32, 0] {   // not a multiple of 2, larger than the images, empty
            o.cropSize = crop
            #expect(throws: NetworkError.self) { try UNetTrainer(options: o, images: Self.images(1)) }
        }
        #expect(throws: NetworkError.self) { try UNetTrainer(options: Self.options(Self.tmp("f")), images: []) }
    }
}
