import TensorCore

/// A Gaussian mixture on square patches (dimension P = side²), stored in the eigenbasis of each
/// covariance so that the exact posterior mean under additive white noise of any level s is two
/// GEMMs over all components: project, shrink (Wiener gains λ/(λ + s²)), project back.
///
/// For a noisy patch y = x + s n with x ~ Σ_k w_k N(m_k, C_k), C_k = V_k Λ_k V_kᵀ:
/// z_k = V_kᵀ(y − m_k), r_k ∝ w_k N(y; m_k, C_k + s²I) and
/// E[x | y] = Σ_k r_k (m_k + V_k diag(λ/(λ + s²)) z_k) (Zoran & Weiss, ICCV 2011, for the model;
/// the VJP is that of `GaussianMixturePrior` with α = 1).
public struct PatchGMM: Sendable {
    /// The patch side.
    public let side: Int
    /// The component weights `[K]`.
    public let weights: Tensor
    /// The means `[K, P]`.
    public let means: Tensor
    /// The covariances `[K, P, P]`.
    public let covariances: Tensor
    let logWeights: [Float]
    /// Eigenvalues, `[K·P]` (component-major).
    let eigenvalues: [Float]
    /// All eigenbases side by side: a row-major `[P, K·P]` matrix whose column k·P + j is the
    /// j-th eigenvector of C_k.
    let bases: [Float]
    /// V_kᵀ m_k, `[K·P]`.
    let projectedMeans: [Float]

    /// The dimension P = side².
    public var dim: Int { side * side }
    /// The number of components K.
    public var count: Int { weights.count }

    /// Creates the mixture from weights `[K]` (normalised here), means `[K, P]` and symmetric
    /// positive-definite covariances `[K, P, P]` for patches of `side × side`.
    /// - Throws: `PriorError.invalid` for mismatched shapes or invalid parameters.
    public init(side: Int, weights: Tensor, means: Tensor, covariances: Tensor) throws {
        let p = side * side
        guard side >= 1, weights.rank == 1, weights.count >= 1 else { throw PriorError.invalid("patch GMM needs side ≥ 1 and weights [K], got side \(side), weights \(weights.shape)") }
        let k = weights.count
        guard means.shape == [k, p], covariances.shape == [k, p, p] else {
            throw PriorError.invalid("patch GMM with K = \(k), P = \(p) needs means [\(k), \(p)] and covariances [\(k), \(p), \(p)], got \(means.shape) and \(covariances.shape)")
        }
        guard weights.isFinite, means.isFinite, covariances.isFinite, weights.scalars.allSatisfy({ $0 >= 0 }), weights.sumDouble() > 0 else {
            throw PriorError.invalid("patch GMM weights must be finite, non-negative and not all zero; means and covariances finite")
        }
        self.side = side
        let total = weights.sumDouble()
        self.weights = weights.map { Float(Double($0) / total) }
        logWeights = weights.scalars.map { $0 > 0 ? Float(_log(Double($0) / total)) : -.infinity }
        self.means = means
        self.covariances = covariances
        var ev = [Float](repeating: 0, count: k * p), bases = [Float](repeating: 0, count: p * k * p)
        var pm = [Float](repeating: 0, count: k * p)
        for c in 0..<k {
            let cov = Tensor(shape: [p, p], scalars: Array(covariances.scalars[(c * p * p)..<((c + 1) * p * p)]))
            let (values, vectors): (Tensor, Tensor)
            do { (values, vectors) = try Linalg.symmetricEigen(cov) } catch { throw PriorError.numerical("patch GMM covariance \(c): \(error)") }
            guard values.scalars.allSatisfy({ $0 > 0 }) else {
                throw PriorError.invalid("patch GMM covariance \(c) is not positive definite (smallest eigenvalue \(values.scalars.first ?? .nan))")
            }
            for j in 0..<p {
                ev[c * p + j] = values.scalars[j]
                var dot: Float = 0
                for i in 0..<p {
                    let vij = vectors.scalars[i * p + j]
                    bases[i * k * p + c * p + j] = vij
                    dot += vij * means.scalars[c * p + i]
                }
                pm[c * p + j] = dot
            }
        }
        eigenvalues = ev
        self.bases = bases
        projectedMeans = pm
    }

    /// Floating-point operations of `denoise` for `patches` patches (4·K·P² per patch, twice
    /// that with a cotangent).
    public func flops(patches: Int, withVJP: Bool = false) -> Double {
        Double(patches) * 4 * Double(count * dim * dim) * (withVJP ? 2 : 1)
    }
}
