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
        return backward(x, dy, scaleShift: scaleShift, silu: silu, channelSums: false).input
    }

    /// The backward traversal shared by `inputGradient` and `gradients`: per (item, group) it
    /// recomputes μ and σ, and returns dx and, with `channelSums`, per (item, channel) the four
    /// sums Σdz(1 + s)x̂, Σdz(1 + s), Σdz·u, Σdz (u = γ_c x̂ + β_c) at `4 (item·C + ch)`.
    func backward(_ x: Tensor, _ dy: Tensor, scaleShift: Tensor?, silu: Bool, channelSums: Bool)
        -> (input: Tensor, sums: [Double]) {
        let n = x.shape[0], c = channels, spatial = x.count / Swift.max(1, n * c), cpg = c / groups
        precondition(scaleShift == nil || scaleShift!.shape == [n, 2 * c], "scaleShift must be [\(n), \(2 * c)]")
        let groupSize = Double(cpg * spatial), eps = Double(epsilon)
        let film = scaleShift?.scalars ?? []
        var out = [Float](repeating: 0, count: x.count)
        var sums = [Double](repeating: 0, count: channelSums ? 4 * n * c : 0)
        out.withUnsafeMutableBufferPointer { o in
            sums.withUnsafeMutableBufferPointer { sp in
                x.withUnsafeBufferPointer { xp in
                    dy.withUnsafeBufferPointer { gp in
                        let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                        let pg = UncheckedSendable(gp.baseAddress!), ps = UncheckedSendable(sp.baseAddress)
                        let body = { (job: Int) in
                            let item = job / self.groups, g = job % self.groups
                            let base = (item * c + g * cpg) * spatial
                            let src = px.value + base, grad = pg.value + base, dst = po.value + base
                            let mean = VectorMath.sums(src, count: cpg * spatial).sum / groupSize
                            let ss = VectorMath.sums(src, count: cpg * spatial, shift: Float(mean)).squares
                            let invStd = 1 / (ss / groupSize + eps).squareRoot()
                            // one pass over the group's channels: dx̂ into dst, returns Σdx̂ and Σdx̂·x̂; inlined
                            // twice so that the input-only pass pays nothing for the parameter sums
                            @inline(__always) func pass(_ withSums: Bool) -> (Double, Double) {
                                var sumD = 0.0, sumDX = 0.0
                                for cc in 0..<cpg {
                                    let ch = g * cpg + cc
                                    let gamma = Double(self.weight.scalars[ch]), beta = Double(self.bias.scalars[ch])
                                    var scale = 1.0, gammaS = gamma, betaS = beta
                                    if !film.isEmpty {
                                        scale = 1 + Double(film[item * 2 * c + ch])
                                        gammaS = gamma * scale
                                        betaS = beta * scale + Double(film[item * 2 * c + c + ch])
                                    }
                                    var sG = 0.0, sB = 0.0, sU = 0.0
                                    for i in (cc * spatial)..<((cc + 1) * spatial) {
                                        let xhat = (Double(src[i]) - mean) * invStd
                                        var dz = Double(grad[i])
                                        if silu {
                                            let z = gammaS * xhat + betaS, sg = 1 / (1 + Foundation.exp(-z))
                                            dz *= sg * (1 + z * (1 - sg))
                                        }
                                        if withSums { sG += dz * xhat; sB += dz; sU += dz * (gamma * xhat + beta) }
                                        let dxhat = dz * gammaS
                                        dst[i] = Float(dxhat)   // stored, finished below
                                        sumD += dxhat
                                        sumDX += dxhat * xhat
                                    }
                                    if withSums, let p = ps.value {
                                        let q = p + 4 * (item * c + ch)
                                        q[0] = sG * scale; q[1] = sB * scale; q[2] = sU; q[3] = sB
                                    }
                                }
                                return (sumD, sumDX)
                            }
                            let (sumD, sumDX) = channelSums ? pass(true) : pass(false)
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
        }
        return (Tensor(shape: x.shape, scalars: out), sums)
    }
}
