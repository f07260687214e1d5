import TensorCore
import Diffusion

/// A prior that answers with one prior at low noise and another above a switch point.
///
/// RED-diff regularises with a denoiser at every diffusion time; a denoiser trained for small
/// noise (DnCNN) is best where it is valid, and a generative prior (the patch GMM, or a U-Net)
/// covers the high-noise times. The switch is on the [0, 1]-units noise level s/2 of x_t/α_t,
/// with s = σ_t/α_t: times with `lowerSigma` < s/2 ≤ `switchSigma` go to `low`, all others to
/// `high` (a patch prior is better than DnCNN at the very smallest noise: `Scripts/bench
/// denoiser-priors`).
public final class CompositePrior: DiffusionPrior, @unchecked Sendable {
    public let low: any DiffusionPrior
    public let high: any DiffusionPrior
    /// The switch noise level in [0, 1] units.
    public let switchSigma: Double
    /// Below this [0, 1]-units noise level `high` answers again (0: never).
    public let lowerSigma: Double
    public let name: String
    public var schedule: NoiseSchedule { high.schedule }
    public var dataShape: DataShape { high.dataShape }

    public init(low: any DiffusionPrior, high: any DiffusionPrior, switchSigma: Double, lowerSigma: Double = 0, name: String? = nil) {
        self.low = low
        self.high = high
        self.switchSigma = switchSigma
        self.lowerSigma = lowerSigma
        self.name = name ?? "composite(\(low.name) ≤ \(switchSigma) < \(high.name))"
    }

    /// The prior that answers at time `t`.
    public func part(at t: Int) -> any DiffusionPrior {
        let s = schedule.inverseSNR(t) / 2
        return s <= switchSigma && s > lowerSigma ? low : high
    }

    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        part(at: t).epsilon(xt, t: t, using: &rng)
    }

    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        part(at: t).x0WithVJP(xt, t: t, cotangent: v, using: &rng)
    }

    public func flops(itemShape: [Int], items: Int) -> Double? {
        high.flops(itemShape: itemShape, items: items)
    }

    /// The larger of the two priors' bytes; nil when either is unknown.
    public func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? {
        guard let a = low.workingBytes(itemShape: itemShape, items: items, withVJP: withVJP),
              let b = high.workingBytes(itemShape: itemShape, items: items, withVJP: withVJP) else { return nil }
        return Swift.max(a, b)
    }
}
