import Foundation

/// Group normalisation (Wu & He 2018) with an affine map, as PyTorch's `GroupNorm`, optionally
/// fused with a per-item FiLM modulation and a SiLU.
///
/// For x of shape `[N, C, …]` and G groups of C/G channels, each (item, group) is normalised
/// with its own mean and biased variance, both from one pass over the group: sums of x − K and
/// (x − K)² about K, the mean of 64 samples spread over the group (so that the difference of the
/// two moments does not cancel), accumulated in float vectors over blocks and in double precision
/// across them:
/// y = (x − μ)/√(σ² + ε) · γ_c + β_c. With `scaleShift` (`[N, 2C]`, scale first, as ADM's
/// `use_scale_shift_norm`), y ← y·(1 + scale) + shift. With `silu`, y ← y·sigmoid(y).
public struct GroupNorm: Sendable {
    public let groups: Int
    public let epsilon: Float
    /// γ, `[C]`.
    public let weight: Tensor
    /// β, `[C]`.
    public let bias: Tensor

    public var channels: Int { weight.count }

    /// - Precondition: γ and β have the same length C, a multiple of `groups`.
    public init(groups: Int = 32, epsilon: Float = 1e-5, weight: Tensor, bias: Tensor) {
        precondition(weight.count == bias.count && groups > 0 && weight.count % groups == 0,
                     "GroupNorm needs γ, β of equal length divisible by \(groups) groups, got \(weight.count), \(bias.count)")
        self.groups = groups
        self.epsilon = epsilon
        self.weight = weight
        self.bias = bias
    }

    /// Normalises `x` (`[N, C, …]`).
    /// - Parameters:
    ///   - scaleShift: optional `[N, 2C]` modulation: y·(1 + scale) + shift.
    ///   - silu: apply SiLU to the result.
    public func callAsFunction(_ x: Tensor, scaleShift: Tensor? = nil, silu: Bool = false) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] == channels, "GroupNorm(\(channels)) expects [N, \(channels), …], got \(x.shape)")
        let n = x.shape[0], c = channels, spatial = x.count / Swift.max(1, n * c)
        precondition(scaleShift == nil || scaleShift!.shape == [n, 2 * c], "scaleShift must be [\(n), \(2 * c)]")
        let cpg = c / groups, groupSize = cpg * spatial
        let eps = Double(epsilon)
        let out = [Float](unsafeUninitializedCapacity: x.count) { o, initialized in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { gp in
                    bias.withUnsafeBufferPointer { bp in
                        let film = scaleShift?.scalars ?? []
                        film.withUnsafeBufferPointer { fp in
                            let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                            let pg = UncheckedSendable(gp.baseAddress!), pb = UncheckedSendable(bp.baseAddress!)
                            let pf = UncheckedSendable(fp.baseAddress), hasFilm = scaleShift != nil
                            let body = { (job: Int) in
                                let item = job / self.groups, g = job % self.groups
                                let base = (item * c + g * cpg) * spatial
                                let src = px.value + base, dst = po.value + base
                                let (mean, invStd) = Self.statistics(src, count: groupSize, epsilon: eps)
                                for cc in 0..<cpg {
                                    let ch = g * cpg + cc
                                    var a = invStd * Double(pg.value[ch])
                                    var b = Double(pb.value[ch]) - mean * a
                                    if hasFilm, let f = pf.value {
                                        let scale = 1 + Double(f[item * 2 * c + ch]), shift = Double(f[item * 2 * c + c + ch])
                                        a *= scale
                                        b = b * scale + shift
                                    }
                                    let fa = Float(a), fb = Float(b)
                                    let s = src + cc * spatial, d = dst + cc * spatial
                                    VectorMath.affine(s, d, count: spatial, a: fa, b: fb, silu: silu)
                                }
                            }
                            let jobs = n * self.groups
                            if x.count < Parallel.grain { for j in 0..<jobs { body(j) } } else { Parallel.forEach(jobs, body) }
                        }
                    }
                }
            }
            initialized = x.count
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// The mean μ and 1/√(σ² + ε) of `count` values, from one pass of sums about K, the mean of
    /// 64 samples spread over them (forward and backward passes share it).
    @inline(__always)
    static func statistics(_ src: UnsafePointer<Float>, count: Int, epsilon: Double) -> (mean: Double, invStd: Double) {
        var k: Float = 0
        let samples = Swift.min(64, count)
        for j in 0..<samples { k += src[j * count / samples] }
        k /= Float(Swift.max(samples, 1))
        let (s1, s2) = VectorMath.sums(src, count: count, shift: k)
        let m = (s1 - Double(k) * Double(count)) / Double(count)   // mean − K
        return (Double(k) + m, 1 / (Swift.max(0, s2 / Double(count) - m * m) + epsilon).squareRoot())
    }
}
