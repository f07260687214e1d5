import TensorCore

/// An exact diffusion prior on R^D: the Gaussian mixture p(x0) = Σ_k w_k N(m_k, C_k).
///
/// Its noised marginals are again mixtures, p_t(x) = Σ_k w_k N(α_t m_k, S_k) with
/// S_k = α_t² C_k + σ_t² I, so ε̂, Tweedie's x̂0 = E[x0 | x_t] and the Jacobian of x̂0 are exact
/// (`Docs/algorithms.md` §6). Each C_k is stored by its eigendecomposition C_k = V_k Λ_k V_kᵀ, so S_k
/// is inverted for every t by dividing by α_t² λ + σ_t² in that basis; diagonal covariances
/// (the identity of the benchmark layout) skip the rotation altogether.
public final class GaussianMixturePrior: DiffusionPrior {
    /// One mixture component in its eigenbasis.
    struct Component: Sendable {
        /// The mean m_k `[D]`.
        let mean: [Float]
        /// The eigenvalues of C_k (all > 0).
        let eigenvalues: [Double]
        /// The eigenvectors as the columns of a row-major `[D, D]` matrix; nil when C_k is diagonal.
        let basis: [Float]?
        /// log det C_k.
        var logDet: Double { eigenvalues.reduce(0) { $0 + _log($1) } }
    }

    public let name: String
    public let schedule: NoiseSchedule
    /// The dimension D.
    public let dim: Int
    /// The mixture weights w `[K]` (normalised to sum 1).
    public let weights: Tensor
    /// The means `[K, D]`.
    public let means: Tensor
    /// The covariances `[K, D, D]`.
    public let covariances: Tensor
    let logWeights: [Double]
    let components: [Component]

    public var dataShape: DataShape { .vector(dim: dim) }
    /// The number of components K.
    public var count: Int { components.count }

    /// Creates a mixture from its weights `[K]` (normalised here), means `[K, D]` and symmetric
    /// positive-definite covariances `[K, D, D]`.
    /// - Throws: `PriorError.invalid` for mismatched shapes, negative or all-zero weights and
    ///   covariances that are not symmetric positive definite.
    public init(weights: Tensor, means: Tensor, covariances: Tensor, schedule: NoiseSchedule = .linear(),
                name: String? = nil) throws {
        guard weights.rank == 1, weights.count >= 1 else { throw PriorError.invalid("GMM weights must be a vector [K] with K ≥ 1, got \(weights.shape)") }
        let k = weights.count
        guard means.rank == 2, means.shape[0] == k, means.shape[1] >= 1 else {
            throw PriorError.invalid("GMM means must have shape [\(k), D], got \(means.shape)")
        }
        let d = means.shape[1]
        guard covariances.shape == [k, d, d] else {
            throw PriorError.invalid("GMM covariances must have shape [\(k), \(d), \(d)], got \(covariances.shape)")
        }
        guard weights.isFinite, means.isFinite, covariances.isFinite else { throw PriorError.invalid("GMM parameters must be finite") }
        guard weights.scalars.allSatisfy({ $0 >= 0 }), weights.sumDouble() > 0 else {
            throw PriorError.invalid("GMM weights must be non-negative and not all zero")
        }
        let total = weights.sumDouble()
        self.weights = weights.map { Float(Double($0) / total) }
        self.logWeights = weights.scalars.map { $0 > 0 ? _log(Double($0) / total) : -.infinity }
        self.means = means
        self.covariances = covariances
        self.dim = d
        self.schedule = schedule
        self.name = name ?? "gmm K=\(k) dim=\(d)"
        var comps: [Component] = []
        for c in 0..<k {
            let cov = Tensor(shape: [d, d], scalars: Array(covariances.scalars[(c * d * d)..<((c + 1) * d * d)]))
            let mean = Array(means.scalars[(c * d)..<((c + 1) * d)])
            comps.append(try Self.component(mean: mean, covariance: cov, index: c))
        }
        components = comps
    }

    /// The eigendecomposition of one covariance, with a shortcut for diagonal matrices.
    static func component(mean: [Float], covariance cov: Tensor, index: Int) throws -> Component {
        let d = mean.count
        var diagonal = true, symmetric = true
        cov.withUnsafeBufferPointer { p in
            for i in 0..<d { for j in 0..<d where i != j {
                if p[i * d + j] != 0 { diagonal = false }
                let a = p[i * d + j], b = p[j * d + i]
                if abs(a - b) > 1e-5 * max(1, abs(a), abs(b)) { symmetric = false }
            } }
        }
        guard symmetric else { throw PriorError.invalid("GMM covariance \(index) is not symmetric") }
        if diagonal {
            let ev = (0..<d).map { Double(cov.scalars[$0 * d + $0]) }
            guard ev.allSatisfy({ $0 > 0 }) else { throw PriorError.invalid("GMM covariance \(index) is not positive definite (a diagonal entry is ≤ 0)") }
            return Component(mean: mean, eigenvalues: ev, basis: nil)
        }
        let (values, vectors): (Tensor, Tensor)
        do { (values, vectors) = try Linalg.symmetricEigen(cov) } catch {
            throw PriorError.numerical("GMM covariance \(index): \(error)")
        }
        guard let smallest = values.scalars.first, smallest > 0 else {
            throw PriorError.invalid("GMM covariance \(index) is not positive definite (smallest eigenvalue \(values.scalars.first ?? .nan))")
        }
        return Component(mean: mean, eigenvalues: values.scalars.map(Double.init), basis: vectors.scalars)
    }

    /// The 25-component layout of the exact-posterior benchmark (MCGdiff; `Docs/algorithms.md` §6):
    /// component k = 5(i+2) + (j+2) for i, j ∈ {−2, …, 2} has mean (8i, 8j, 8i, 8j, …) ∈ R^dim,
    /// identity covariance and weight ∝ z_k² with z = NumPy `default_rng(0).standard_normal(25)`.
    /// - Throws: `PriorError.invalid` when `dim < 1`.
    public static func grid(dim: Int, schedule: NoiseSchedule = .linear()) throws -> GaussianMixturePrior {
        guard dim >= 1 && dim <= 4096 else { throw PriorError.invalid("gmm grid needs dim in 1...4096, got \(dim)") }
        var means = [Float](repeating: 0, count: 25 * dim)
        for i in -2...2 { for j in -2...2 {
            let k = 5 * (i + 2) + (j + 2)
            for e in 0..<dim { means[k * dim + e] = Float(8 * (e % 2 == 0 ? i : j)) }
        } }
        var cov = [Float](repeating: 0, count: 25 * dim * dim)
        for k in 0..<25 { for e in 0..<dim { cov[k * dim * dim + e * dim + e] = 1 } }
        return try GaussianMixturePrior(weights: Tensor(shape: [25], scalars: gridWeights),
                                        means: Tensor(shape: [25, dim], scalars: means),
                                        covariances: Tensor(shape: [25, dim, dim], scalars: cov),
                                        schedule: schedule, name: "gmm grid dim=\(dim)")
    }

    /// w = z²/Σz² for z = `numpy.random.default_rng(0).standard_normal(25)`: NumPy's generator
    /// cannot be reproduced in Swift, so these are the float32 `weights` of the reference
    /// fixture `fixtures/gmm/gmm-d8-prior.safetensors` (identical for every D), read once and
    /// checked by the tests against that file.
    static let gridWeights: [Float] = [
        0.0008583459421060979, 0.0009475903352722526, 0.022269802168011665, 0.0005974959349259734, 0.015580329112708569,
        0.007099503185600042, 0.09232901781797409, 0.04870316758751869, 0.026890669018030167, 0.0869467556476593,
        0.021093161776661873, 9.273193427361548e-05, 0.29352182149887085, 0.0025992291048169136, 0.08428630232810974,
        0.02911537140607834, 0.016084006056189537, 0.005432276055216789, 0.009200219064950943, 0.05901280790567398,
        0.0008970642229542136, 0.10138624906539917, 0.024025946855545044, 0.006709011737257242, 0.04432111233472824,
    ]

    /// `n` independent draws from the prior, `[n, D]`: a component k ~ w, then m_k + V_k Λ_k^{1/2} ξ.
    public func sample(n: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        precondition(n >= 0)
        var out = [Float](repeating: 0, count: n * dim)
        for s in 0..<n {
            let u = Double(Random.uniform(using: &rng))
            var k = 0, acc = 0.0
            for (c, w) in weights.scalars.enumerated() { acc += Double(w); k = c; if u < acc { break } }
            while weights.scalars[k] == 0 && k > 0 { k -= 1 }
            let comp = components[k]
            let xi = (0..<dim).map { comp.eigenvalues[$0].squareRoot() * Double(Random.normal(using: &rng)) }
            for i in 0..<dim {
                var v = Double(comp.mean[i])
                if let b = comp.basis { for j in 0..<dim { v += Double(b[i * dim + j]) * xi[j] } } else { v += xi[i] }
                out[s * dim + i] = Float(v)
            }
        }
        return Tensor(shape: [n, dim], scalars: out)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Foundation.exp(x) }
#endif
