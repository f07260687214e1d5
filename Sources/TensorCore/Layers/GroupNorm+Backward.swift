import Foundation

extension GroupNorm {
    /// The vector–Jacobian product with respect to the input of
    /// `callAsFunction(x, scaleShift:, silu:)` (the modulation counts as a constant).
    ///
    /// With x̂ = (x − μ)/σ per group and z = γ'_c x̂ + β'_c (γ' = γ(1 + scale)):
    /// dz = dy·SiLU'(z) (or dy), dx̂ = dz·γ'_c, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ,
    /// means over the group; accumulated in double precision.
    public func inputGradient(_ x: Tensor, _ dy: Tensor, scaleShift: Tensor? = nil, silu: Bool = false) -> Tensor {
        precondition(x.shape == dy.shape && x.rank >= 2 && x.shape[1] == channels, "GroupNorm.inputGradient shapes \(x.shape), \(dy.shape)")
        let n = x.shape[0], c = channels, spatial = x.count / Swift.max(1, n * c), cpg = c / groups
        let groupSize = Double(cpg * spatial), eps = Double(epsilon)
        let film = scaleShift?.scalars ?? []
        var out = [Float](repeating: 0, count: x.count)
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                dy.withUnsafeBufferPointer { gp in
                    let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!), pg = UncheckedSendable(gp.baseAddress!)
                    let body = { (job: Int) in
                        let item = job / self.groups, g = job % self.groups
                        let base = (item * c + g * cpg) * spatial
                        let src = px.value + base, grad = pg.value + base, dst = po.value + base
                        var sum = 0.0
                        for i in 0..<(cpg * spatial) { sum += Double(src[i]) }
                        let mean = sum / groupSize
                        var ss = 0.0
                        for i in 0..<(cpg * spatial) { let d = Double(src[i]) - mean; ss += d * d }
                        let invStd = 1 / (ss / groupSize + eps).squareRoot()
                        var sumD = 0.0, sumDX = 0.0
                        for cc in 0..<cpg {
                            let ch = g * cpg + cc
                            var gamma = Double(self.weight.scalars[ch]), beta = Double(self.bias.scalars[ch])
                            if !film.isEmpty {
                                let s = 1 + Double(film[item * 2 * c + ch])
                                gamma *= s
                                beta = beta * s + Double(film[item * 2 * c + c + ch])
                            }
                            for i in (cc * spatial)..<((cc + 1) * spatial) {
                                let xhat = (Double(src[i]) - mean) * invStd
                                var dz = Double(grad[i])
                                if silu {
                                    let z = gamma * xhat + beta, sg = 1 / (1 + Foundation.exp(-z))
                                    dz *= sg * (1 + z * (1 - sg))
                                }
                                let dxhat = dz * gamma
                                dst[i] = Float(dxhat)   // stored, finished below
                                sumD += dxhat
                                sumDX += dxhat * xhat
                            }
                        }
                        let mD = sumD / groupSize, mDX = sumDX / groupSize
                        for i in 0..<(cpg * spatial) {
                            let xhat = (Double(src[i]) - mean) * invStd
                            dst[i] = Float((Double(dst[i]) - mD - xhat * mDX) * invStd)
                        }
                    }
                    let jobs = n * self.groups
                    if x.count < Parallel.grain { for j in 0..<jobs { body(j) } } else { Parallel.forEach(jobs, body) }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
