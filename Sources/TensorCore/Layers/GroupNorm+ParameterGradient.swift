extension GroupNorm {
    /// All gradients of ⟨dy, GroupNorm(x, scaleShift:, silu:)⟩: the input, γ, β and (when
    /// given) the modulation `[N, 2C]` (scale first, then shift).
    ///
    /// With x̂ = (x − μ)/σ, u = γ_c x̂ + β_c, z = u(1 + s) + h and dz = dy·SiLU'(z) (or dy):
    /// dγ_c = Σ dz(1 + s)x̂, dβ_c = Σ dz(1 + s), ds = Σ dz·u, dh = Σ dz, and the input
    /// gradient as `inputGradient`. Sums in double precision.
    public func gradients(_ x: Tensor, _ dy: Tensor, scaleShift: Tensor? = nil, silu: Bool = false)
        -> (input: Tensor, weight: Tensor, bias: Tensor, scaleShift: Tensor?) {
        precondition(x.shape == dy.shape && x.rank >= 2 && x.shape[1] == channels, "GroupNorm.gradients shapes \(x.shape), \(dy.shape)")
        let n = x.shape[0], c = channels
        let (input, partial) = backward(x, dy, scaleShift: scaleShift, silu: silu, channelSums: true)
        var dg = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
        var dfilm = [Float](repeating: 0, count: scaleShift == nil ? 0 : 2 * n * c)
        for item in 0..<n {
            for ch in 0..<c {
                let q = 4 * (item * c + ch)
                dg[ch] += Float(partial[q]); dbeta[ch] += Float(partial[q + 1])
                if scaleShift != nil {
                    dfilm[item * 2 * c + ch] = Float(partial[q + 2])
                    dfilm[item * 2 * c + c + ch] = Float(partial[q + 3])
                }
            }
        }
        return (input, Tensor(shape: [c], scalars: dg), Tensor(shape: [c], scalars: dbeta),
                scaleShift == nil ? nil : Tensor(shape: [n, 2 * c], scalars: dfilm))
    }
}
