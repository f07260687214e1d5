import Foundation

/// The sinusoidal timestep embedding of guided-diffusion (`nn.timestep_embedding`).
public enum TimestepEmbedding {
    /// Embeds times `t` (possibly fractional) as `[N, dim]`, computed in float32 as the original:
    /// half = ⌊dim/2⌋, freqs_i = exp(−ln(maxPeriod)·i/half), args = t·freqs,
    /// embedding = [cos(args), sin(args)] (cos first), plus one zero column when `dim` is odd.
    public static func sinusoidal(_ t: [Float], dim: Int, maxPeriod: Float = 10_000) -> Tensor {
        precondition(dim >= 2, "timestep embedding needs dim ≥ 2")
        let half = dim / 2
        let c = Float(-Foundation.log(Double(maxPeriod)))
        let freqs = (0..<half).map { i in Foundation.exp(c * Float(i) / Float(half)) }
        var out = [Float](repeating: 0, count: t.count * dim)
        for (n, tn) in t.enumerated() {
            for i in 0..<half {
                let arg = tn * freqs[i]
                out[n * dim + i] = Foundation.cos(arg)
                out[n * dim + half + i] = Foundation.sin(arg)
            }
        }
        return Tensor(shape: [t.count, dim], scalars: out)
    }
}
