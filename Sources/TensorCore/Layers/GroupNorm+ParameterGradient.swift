import Foundation

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
        let n = x.shape[0], c = channels, spatial = x.count / Swift.max(1, n * c), cpg = c / groups
        precondition(scaleShift == nil || scaleShift!.shape == [n, 2 * c], "scaleShift must be [\(n), \(2 * c)]")
        let groupSize = Double(cpg * spatial), eps = Double(epsilon)
        let film = scaleShift?.scalars ?? []
        var out = [Float](repeating: 0, count: x.count)
        // per (item, channel) partial sums: dγ, dβ, ds, dh
        var partial = [Double](repeating: 0, count: 4 * n * c)
        out.withUnsafeMutableBufferPointer { o in
            partial.withUnsafeMutableBufferPointer { pp in
                x.withUnsafeBufferPointer { xp in
                    dy.withUnsafeBufferPointer { gp in
                        let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                        let pg = UncheckedSendable(gp.baseAddress!), pq = UncheckedSendable(pp.baseAddress!)
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
                                let gamma = Double(self.weight.scalars[ch]), beta = Double(self.bias.scalars[ch])
                                var scale = 1.0, shift = 0.0
                                if !film.isEmpty {
                                    scale = 1 + Double(film[item * 2 * c + ch])
                                    shift = Double(film[item * 2 * c + c + ch])
                                }
                                var sG = 0.0, sB = 0.0, sS = 0.0
                                for i in (cc * spatial)..<((cc + 1) * spatial) {
                                    let xhat = (Double(src[i]) - mean) * invStd
                                    let u = gamma * xhat + beta
                                    var dz = Double(grad[i])
                                    if silu {
                                        let z = u * scale + shift, sg = 1 / (1 + Foundation.exp(-z))
                                        dz *= sg * (1 + z * (1 - sg))
                                    }
                                    sG += dz * xhat
                                    sB += dz
                                    sS += dz * u
                                    let dxhat = dz * scale * gamma
                                    dst[i] = Float(dxhat)
                                    sumD += dxhat
                                    sumDX += dxhat * xhat
                                }
                                let q = pq.value + 4 * (item * c + ch)
                                q[0] = sG * scale; q[1] = sB * scale; q[2] = sS; q[3] = sB
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
        }
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
        return (Tensor(shape: x.shape, scalars: out), Tensor(shape: [c], scalars: dg), Tensor(shape: [c], scalars: dbeta),
                scaleShift == nil ? nil : Tensor(shape: [n, 2 * c], scalars: dfilm))
    }
}
