import Foundation

extension GroupNorm {
    /// The vector–Jacobian product with respect to the input of
    /// `callAsFunction(x, scaleShift:, silu:)` (the modulation counts as a constant).
    ///
    /// With x̂ = (x − μ)/σ per group and z = γ'_c x̂ + β'_c (γ' = γ(1 + scale)):
    /// dz = dy·SiLU'(z) (or dy), dx̂ = dz·γ'_c, dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ,
    /// means over the group; in float vectors, the sums accumulated in double across blocks.
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
                            let (mean, invStd) = GroupNorm.statistics(src, count: cpg * spatial, epsilon: eps)
                            // one pass over the group's channels: dx̂ into dst, returns Σdx̂ and Σdx̂·x̂; inlined
                            // twice so that the input-only pass pays nothing for the parameter sums
                            @inline(__always) func pass(_ withSums: Bool) -> (Double, Double) {
                                var sumD = 0.0, sumDX = 0.0
                                for cc in 0..<cpg {
                                    let ch = g * cpg + cc
                                    let gamma = self.weight.scalars[ch], beta = self.bias.scalars[ch]
                                    var scale: Float = 1, gammaS = gamma, betaS = beta
                                    if !film.isEmpty {
                                        scale = 1 + film[item * 2 * c + ch]
                                        gammaS = gamma * scale
                                        betaS = beta * scale + film[item * 2 * c + c + ch]
                                    }
                                    let sums = GroupNorm.channelPass(src + cc * spatial, grad + cc * spatial, dst + cc * spatial,
                                                                     count: spatial, mean: Float(mean), invStd: Float(invStd),
                                                                     gamma: gamma, beta: beta, gammaS: gammaS, betaS: betaS,
                                                                     silu: silu, withSums: withSums)
                                    sumD += sums.d
                                    sumDX += sums.dx
                                    if withSums, let p = ps.value {
                                        let q = p + 4 * (item * c + ch)
                                        q[0] = sums.g * Double(scale); q[1] = sums.b * Double(scale); q[2] = sums.u; q[3] = sums.b
                                    }
                                }
                                return (sumD, sumDX)
                            }
                            let (sumD, sumDX) = channelSums ? pass(true) : pass(false)
                            GroupNorm.finish(src, dst, count: cpg * spatial, mean: Float(mean), invStd: Float(invStd),
                                             meanD: Float(sumD / groupSize), meanDX: Float(sumDX / groupSize))
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

extension GroupNorm {
    /// The sums of one channel's backward pass.
    struct ChannelSums {
        /// Σdx̂ and Σdx̂·x̂ (for dx); Σdz·x̂, Σdz and Σdz·u (for γ, β and the modulation).
        var d = 0.0, dx = 0.0, g = 0.0, b = 0.0, u = 0.0
    }

    /// One channel of the backward pass, eight lanes at a time: x̂ = (x − μ)/σ, z = γ'x̂ + β',
    /// dz = dy·SiLU'(z) (or dy), dx̂ = dz·γ' written to `dst`; the sums are accumulated in float
    /// vectors over blocks of 1024 values and in double across blocks.
    @inline(__always)
    static func channelPass(_ src: UnsafePointer<Float>, _ grad: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                            count: Int, mean: Float, invStd: Float, gamma: Float, beta: Float, gammaS: Float, betaS: Float,
                            silu: Bool, withSums: Bool) -> ChannelSums {
        var out = ChannelSums()
        let rs = UnsafeRawPointer(src), rg = UnsafeRawPointer(grad), rd = UnsafeMutableRawPointer(dst)
        let vMean = SIMD8<Float>(repeating: mean), vInv = SIMD8<Float>(repeating: invStd)
        let vGS = SIMD8<Float>(repeating: gammaS), vBS = SIMD8<Float>(repeating: betaS)
        let vG = SIMD8<Float>(repeating: gamma), vB = SIMD8<Float>(repeating: beta)
        var i = 0
        while i < count {
            let end = Swift.min(count, i + 1024)
            var sD = SIMD8<Float>(repeating: 0), sDX = sD, sG = sD, sB = sD, sU = sD
            while i + 8 <= end {
                let xhat = (rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) - vMean) * vInv
                var dz = rg.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                if silu {
                    let z = vGS * xhat + vBS, sg = 1 / (1 + VectorMath.exp(-z))
                    dz *= sg * (1 + z * (1 - sg))
                }
                if withSums { sG += dz * xhat; sB += dz; sU += dz * (vG * xhat + vB) }
                let dxhat = dz * vGS
                rd.storeBytes(of: dxhat, toByteOffset: 4 * i, as: SIMD8<Float>.self)
                sD += dxhat
                sDX += dxhat * xhat
                i += 8
            }
            var tD: Float = 0, tDX: Float = 0, tG: Float = 0, tB: Float = 0, tU: Float = 0
            while i < end {   // the block's last values, one at a time
                let xhat = (src[i] - mean) * invStd
                var dz = grad[i]
                if silu {
                    let z = gammaS * xhat + betaS, sg = 1 / (1 + Foundation.exp(-z))
                    dz *= sg * (1 + z * (1 - sg))
                }
                if withSums { tG += dz * xhat; tB += dz; tU += dz * (gamma * xhat + beta) }
                let dxhat = dz * gammaS
                dst[i] = dxhat
                tD += dxhat
                tDX += dxhat * xhat
                i += 1
            }
            out.d += Double(sD.sum() + tD)
            out.dx += Double(sDX.sum() + tDX)
            if withSums {
                out.g += Double(sG.sum() + tG)
                out.b += Double(sB.sum() + tB)
                out.u += Double(sU.sum() + tU)
            }
        }
        return out
    }

    /// dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ over a group, in place on `dst` (which holds dx̂).
    @inline(__always)
    static func finish(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                       mean: Float, invStd: Float, meanD: Float, meanDX: Float) {
        let rs = UnsafeRawPointer(src), rd = UnsafeMutableRawPointer(dst)
        let vMean = SIMD8<Float>(repeating: mean), vInv = SIMD8<Float>(repeating: invStd)
        let vMD = SIMD8<Float>(repeating: meanD), vMDX = SIMD8<Float>(repeating: meanDX)
        var i = 0
        while i + 8 <= count {
            let xhat = (rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) - vMean) * vInv
            let d = rd.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            rd.storeBytes(of: (d - vMD - xhat * vMDX) * vInv, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let xhat = (src[i] - mean) * invStd
            dst[i] = (dst[i] - meanD - xhat * meanDX) * invStd
            i += 1
        }
    }
}
