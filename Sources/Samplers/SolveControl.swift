import TensorCore

/// What a step reports to the callback.
public struct StepInfo: Sendable {
    /// The step just finished, 1-based.
    public var step: Int
    /// The number of steps of the solve.
    public var total: Int
    /// The diffusion time t of the step.
    public var t: Int
    /// The data loss mean((y − A(x̂))²)/2 averaged over the solutions.
    public var dataLoss: Double
    /// The regulariser (RED-diff: w_t·mean(sg(ε̂ − ε)⊙μ)); NaN when the method has none.
    public var regLoss: Double
    /// Seconds since the solve started.
    public var elapsed: Double
}

/// The callback's answer.
public enum StepDecision: Sendable { case proceed, stop }

/// How a solve is observed and steered: callback, cancellation, noise injection, trace metrics.
public struct SolveControl {
    /// Called after every step; returning `.stop` ends the solve with the current estimate.
    public var onStep: ((StepInfo) -> StepDecision)?
    /// Checked before every step.
    public var cancellation: CancellationFlag?
    /// Replaces the seeded per-solution noise (tests replaying recorded noises).
    public var noise: (any NoiseSource)?
    /// PSNR is recorded every step and SSIM every `ssimEvery` steps (0: every `total/10`, and at the last step) when a
    /// ground-truth image is known.
    public var ssimEvery: Int
    /// An iterate whose magnitude exceeds this (model units) counts as exploded.
    public var explosionLimit: Float
    /// Test hook: sees every iterate after its update (RED-diff: μ after step k).
    var iterateObserver: ((_ step: Int, _ iterate: Tensor) -> Void)?

    public init(onStep: ((StepInfo) -> StepDecision)? = nil, cancellation: CancellationFlag? = nil,
                noise: (any NoiseSource)? = nil, ssimEvery: Int = 0, explosionLimit: Float = 1e4) {
        self.onStep = onStep; self.cancellation = cancellation; self.noise = noise
        self.ssimEvery = ssimEvery; self.explosionLimit = explosionLimit
    }
}
