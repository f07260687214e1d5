import TensorCore

/// The variance-preserving (DDPM/ADM) noise schedule.
///
/// β_i = linspace(1e-4, 0.02, T) in double precision, ᾱ = cumprod(1 − β), and for an integer time
/// t ∈ {0, …, T−1}: ᾱ_t = ᾱ[t] (0-based, so ᾱ_0 = 0.9999), α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t),
/// x_t = α_t x0 + σ_t ε. Reference: Ho et al. 2020; `Docs/algorithms.md` §1.
public struct NoiseSchedule: Sendable {
    /// ᾱ_t for t = 0 … T−1.
    public let alphaBar: [Double]

    /// The number of diffusion times T.
    public var count: Int { alphaBar.count }

    /// The linear schedule with `steps` times (default 1000).
    public static func linear(steps: Int = 1000, betaStart: Double = 1e-4, betaEnd: Double = 0.02) -> NoiseSchedule {
        var abar = [Double](repeating: 0, count: steps)
        var prod = 1.0
        for i in 0..<steps {
            let beta = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * Double(i) / Double(steps - 1)
            prod *= 1 - beta
            abar[i] = prod
        }
        return NoiseSchedule(alphaBar: abar)
    }

    public init(alphaBar: [Double]) { self.alphaBar = alphaBar }

    /// ᾱ_t; by convention ᾱ_{−1} = 1.
    @inlinable public func alphaBar(_ t: Int) -> Double { t < 0 ? 1 : alphaBar[t] }
    /// α_t = √ᾱ_t.
    @inlinable public func alpha(_ t: Int) -> Double { alphaBar(t).squareRoot() }
    /// σ_t = √(1 − ᾱ_t).
    @inlinable public func sigma(_ t: Int) -> Double { (1 - alphaBar(t)).squareRoot() }
    /// The inverse square-root SNR r_t = σ_t/α_t (the noise level of x_t/α_t).
    @inlinable public func inverseSNR(_ t: Int) -> Double { sigma(t) / alpha(t) }

    /// The time whose noise level r_t = σ_t/α_t is closest to `r`.
    public func time(forInverseSNR r: Double) -> Int {
        var best = 0
        var bestErr = Double.infinity
        for t in 0..<count { let e = abs(inverseSNR(t) - r); if e < bestErr { bestErr = e; best = t } }
        return best
    }

    /// The uniformly spaced grid of `steps` times used by DDIM and RED-diff:
    /// skip = T / steps, [0, skip, 2·skip, …, T − skip], ascending.
    /// - Precondition: 1 ≤ steps ≤ T.
    public func timesteps(_ steps: Int) -> [Int] { timesteps(steps, below: count) }

    /// The same grid over [0, tMax): skip = tMax / steps, [0, skip, …, tMax − skip].
    /// - Precondition: 1 ≤ steps ≤ tMax ≤ T.
    public func timesteps(_ steps: Int, below tMax: Int) -> [Int] {
        precondition(tMax >= 1 && tMax <= count && steps >= 1 && steps <= tMax, "steps must lie in 1...tMax, tMax in 1...\(count)")
        let skip = tMax / steps
        return (0..<steps).map { $0 * skip }
    }

    /// Tweedie's estimate x̂0 = (x_t − σ_t ε̂)/α_t.
    public func x0(fromEpsilon eps: Tensor, xt: Tensor, t: Int) -> Tensor {
        let a = Float(alpha(t)), s = Float(sigma(t))
        return Tensor.linearCombination(1 / a, xt, -s / a, eps)
    }

    /// ε̂ = (x_t − α_t x̂0)/σ_t, the inverse of Tweedie's formula.
    public func epsilon(fromX0 x0: Tensor, xt: Tensor, t: Int) -> Tensor {
        let a = Float(alpha(t)), s = Float(sigma(t))
        return Tensor.linearCombination(1 / s, xt, -a / s, x0)
    }
}
