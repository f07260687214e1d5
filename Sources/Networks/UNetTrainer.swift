import Diffusion
import Foundation
import TensorCore

/// Trains an ADM U-Net as an ε-prediction diffusion model on random crops of images.
///
/// Each step k draws (from the stream `SeededGenerator(seed).derived(k)`, so a resumed run
/// draws exactly what an uninterrupted one would) a batch of crops x0 (random image, position,
/// optional horizontal flip; mapped to [−1, 1]), times t ~ U{0…T−1} and noise ε ~ N(0, I), and
/// minimises L = mean‖ε̂(√ᾱ_t x0 + √(1−ᾱ_t) ε, t) − ε‖² (Ho et al. 2020, eq. 14) with Adam,
/// after clipping the global gradient norm. An EMA of the weights is kept; it is what the
/// checkpoint stores for sampling.
public final class UNetTrainer {
    public let options: TrainingOptions
    public let schedule: NoiseSchedule
    /// Training images `[C, H, W]` in [0, 1], each at least `cropSize` on both sides.
    let images: [Tensor]
    let shapes: [(key: String, shape: [Int])]
    /// The current weights (PyTorch key names, checkpoint shapes).
    public internal(set) var parameters: [String: Tensor]
    /// The exponential moving average of the weights.
    public internal(set) var ema: [String: Tensor]
    public internal(set) var optimizer: Adam
    /// Steps completed.
    public var step: Int { optimizer.step }

    /// A fresh run: weights drawn from `options.seed`.
    /// - Throws: `NetworkError.config` for bad options or images that do not fit.
    public init(options: TrainingOptions, images: [Tensor]) throws {
        try options.validate()
        let c = options.config
        guard !images.isEmpty else { throw NetworkError.config("no training images") }
        for (i, im) in images.enumerated() {
            guard im.rank == 3, im.shape[0] == c.inChannels, im.shape[1] >= options.cropSize, im.shape[2] >= options.cropSize else {
                throw NetworkError.config("training image \(i) has shape \(im.shape); needs [\(c.inChannels), ≥\(options.cropSize), ≥\(options.cropSize)]")
            }
        }
        self.options = options
        self.images = images
        let steps = options.diffusionSteps
        schedule = .linear(steps: steps, betaStart: 0.1 / Double(steps), betaEnd: 20 / Double(steps))
        shapes = try UNetModel.parameterShapes(config: c)
        parameters = try Self.initialParameters(config: c, seed: options.seed)
        ema = parameters
        optimizer = Adam(beta1: Double(options.beta1), beta2: Double(options.beta2), epsilon: options.adamEpsilon)
    }

    /// ADM-style initial weights: random convolutions/linears (N(0,1)/√fan-in), zero biases,
    /// GroupNorm γ = 1, β = 0, and zero output convolutions (`out.2`, each ResBlock's last
    /// convolution, each attention projection), so the network starts as the identity on its residuals.
    static func initialParameters(config: UNetConfig, seed: UInt64) throws -> [String: Tensor] {
        var w = WeightSource(random: SeededGenerator(seed: seed))
        _ = try UNetModel(config: config, weights: &w)
        var rng = SeededGenerator(seed: seed).derived(-1)
        var out: [String: Tensor] = [:]
        for (key, shape) in w.requested {
            let zeroInit = key.hasPrefix("out.2") || key.contains(".out_layers.3.") || key.contains(".proj_out.")
            let isNorm = key.contains("in_layers.0.") || key.contains("out_layers.0.") || key.contains(".norm.") || key.hasPrefix("out.0.")
            if key.hasSuffix(".bias") || zeroInit {
                out[key] = Tensor(shape: shape, repeating: 0)
            } else if isNorm {
                out[key] = Tensor(shape: shape, repeating: 1)
            } else {
                let fanIn = shape.dropFirst().reduce(1, *)
                var t = Random.normal(shape, using: &rng)
                t *= 1 / Float(Swift.max(fanIn, 1)).squareRoot()
                out[key] = t
            }
        }
        return out
    }

    /// The network with the current (or EMA) weights.
    public func model(ema useEMA: Bool = true) throws -> UNetModel {
        try UNetModel(config: options.config, stateDict: useEMA ? ema : parameters, path: "<training>")
    }

    /// Draws the batch of step `k`: crops x0 `[B, C, S, S]` in [−1, 1], times, noise.
    func batch(_ k: Int) -> (x0: Tensor, t: [Int], noise: Tensor) {
        var rng = SeededGenerator(seed: options.seed).derived(k)
        let s = options.cropSize, c = options.config.inChannels
        var items: [Tensor] = []
        var times: [Int] = []
        for _ in 0..<options.batchSize {
            let im = images[Int(rng.next() % UInt64(images.count))]
            let top = Int(rng.next() % UInt64(im.shape[1] - s + 1)), left = Int(rng.next() % UInt64(im.shape[2] - s + 1))
            var crop = im.cropped(top: top, left: left, height: s, width: s)
            if options.flips && rng.next() & 1 == 1 { crop = crop.flippedHorizontally() }
            items.append(crop.reshaped([1, c, s, s]))
            times.append(Int(rng.next() % UInt64(options.diffusionSteps)))
        }
        var x0 = Tensor.concatenated(items)
        x0.apply { 2 * $0 - 1 }
        let noise = Random.normal(x0.shape, using: &rng)
        return (x0, times, noise)
    }

    /// One optimiser step; returns the loss before the update.
    @discardableResult
    public func trainStep() throws -> Float {
        let (x0, t, noise) = batch(step)
        let (loss, grads) = try lossAndGradients(x0: x0, t: t, noise: noise, parameters: parameters)
        var g = grads
        if options.gradientClip > 0 {
            let norm = Float(g.keys.sorted().reduce(0.0) { $0 + g[$1]!.dot(g[$1]!) }.squareRoot())
            if norm > options.gradientClip { for key in g.keys { g[key]! *= options.gradientClip / norm } }
        }
        optimizer.update(&parameters, gradients: g, learningRate: options.learningRate)
        let k = Float(optimizer.step)
        let decay = Swift.min(options.emaDecay, (1 + k) / (10 + k))
        for (key, p) in parameters {
            guard var e = ema[key] else { continue }
            e.combine(with: p) { a, b in decay * a + (1 - decay) * b }
            ema[key] = e
        }
        return loss
    }

    /// The ε-prediction loss and its gradient for a given batch and weights.
    public func lossAndGradients(x0: Tensor, t: [Int], noise: Tensor, parameters: [String: Tensor]) throws -> (Float, [String: Tensor]) {
        let model = try UNetModel(config: options.config, stateDict: parameters, path: "<training>")
        let n = x0.shape[0], per = x0.count / n
        var xt = x0
        xt.withUnsafeMutableBufferPointer { xp in
            noise.withUnsafeBufferPointer { np in
                for i in 0..<n {
                    let a = Float(schedule.alpha(t[i])), s = Float(schedule.sigma(t[i]))
                    for j in (i * per)..<((i + 1) * per) { xp[j] = a * xp[j] + s * np[j] }
                }
            }
        }
        let (out, pullback) = model.withParameterPullback(xt, t: t.map(Float.init))
        let cin = options.config.inChannels, cout = options.config.outChannels, hw = per / cin
        var dOut = [Float](repeating: 0, count: out.count)
        var loss = 0.0
        let scale = 2 / Float(x0.count)
        for i in 0..<n {
            for j in 0..<per {
                let r = out.scalars[i * cout * hw + j] - noise.scalars[i * per + j]
                loss += Double(r * r)
                dOut[i * cout * hw + j] = scale * r
            }
        }
        let grads = pullback(Tensor(shape: out.shape, scalars: dOut)).parameters
        return (Float(loss / Double(x0.count)), grads.tensors)
    }
}

extension Tensor {
    /// `[C, H, W]` mirrored left–right.
    func flippedHorizontally() -> Tensor {
        let w = shape[rank - 1], rows = count / w
        var out = scalars
        for r in 0..<rows { for j in 0..<w { out[r * w + j] = scalars[r * w + w - 1 - j] } }
        return Tensor(shape: shape, scalars: out)
    }
}
