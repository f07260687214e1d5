/// The settings of a U-Net training run (`UNetTrainer`).
public struct TrainingOptions: Sendable, Equatable {
    /// The network to train (`outChannels` = `inChannels`: ε only; a learned-σ network trains
    /// only its ε channels).
    public var config: UNetConfig
    /// Side of the square random crops.
    public var cropSize: Int
    public var batchSize: Int
    /// Total number of optimiser steps of the run.
    public var steps: Int
    /// Adam step size α.
    public var learningRate: Float
    /// Adam β1, β2, ε.
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var adamEpsilon: Float = 1e-8
    /// Gradients whose global norm exceeds this are scaled down to it (0: no clipping).
    public var gradientClip: Float = 1
    /// Decay of the exponential moving average of the weights (warmed up as min(decay, (1+k)/(10+k))).
    public var emaDecay: Float
    /// Diffusion steps T of the linear schedule (β from 0.1/T to 20/T); t is drawn uniformly in 0..<T.
    public var diffusionSteps: Int = 1000
    /// Random horizontal flips of the crops.
    public var flips: Bool = true
    public var seed: UInt64
    /// Steps between checkpoints (0: only at the end).
    public var checkpointEvery: Int
    /// The checkpoint: EMA weights at this path (`.safetensors`), the resumable state in
    /// `<path without extension>.state.safetensors`; nil: none.
    public var checkpointPath: String?

    public init(config: UNetConfig, cropSize: Int = 64, batchSize: Int = 8, steps: Int = 1000, learningRate: Float = 2e-4,
                emaDecay: Float = 0.999, seed: UInt64 = 0, checkpointEvery: Int = 100, checkpointPath: String? = nil) {
        self.config = config
        self.cropSize = cropSize
        self.batchSize = batchSize
        self.steps = steps
        self.learningRate = learningRate
        self.emaDecay = emaDecay
        self.seed = seed
        self.checkpointEvery = checkpointEvery
        self.checkpointPath = checkpointPath
    }

    /// Checks the options against each other.
    /// - Throws: `NetworkError.config` naming the bad value.
    public func validate() throws {
        try config.validate()
        let m = config.sizeMultiple
        guard cropSize >= m, cropSize % m == 0 else { throw NetworkError.config("crop size \(cropSize) must be a positive multiple of \(m)") }
        guard batchSize >= 1 else { throw NetworkError.config("batch size \(batchSize); needs ≥ 1") }
        guard steps >= 0 else { throw NetworkError.config("steps \(steps); needs ≥ 0") }
        guard learningRate > 0, learningRate.isFinite else { throw NetworkError.config("learning rate \(learningRate); needs > 0") }
        guard emaDecay >= 0, emaDecay < 1 else { throw NetworkError.config("EMA decay \(emaDecay); needs 0 ≤ decay < 1") }
        guard diffusionSteps >= 2 else { throw NetworkError.config("diffusion steps \(diffusionSteps); needs ≥ 2") }
        guard checkpointEvery >= 0 else { throw NetworkError.config("checkpoint interval \(checkpointEvery); needs ≥ 0") }
        guard config.numClasses == nil else { throw NetworkError.config("training supports unconditional networks only") }
        guard config.outChannels == config.inChannels || config.learnedSigma else {
            throw NetworkError.config("out_channels \(config.outChannels) must be in_channels (\(config.inChannels)) or twice that")
        }
    }
}
