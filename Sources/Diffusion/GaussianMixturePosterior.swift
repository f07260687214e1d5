import TensorCore

/// The exact posterior p(x0 | y) of a Gaussian-mixture prior under y = A x0 + σ_y n, n ~ N(0, I):
/// again a Gaussian mixture (`Docs/algorithms.md` §6), computed in double precision in Kalman form
///
///     G_k = A C_k Aᵀ + σ_y² I,  K_k = C_k Aᵀ G_k⁻¹,
///     m'_k = m_k + K_k (y − A m_k),  C'_k = C_k − K_k A C_k,
///     log w'_k = log w_k + log N(y; A m_k, G_k) − logsumexp(…),
///
/// which equals C'_k = (C_k⁻¹ + AᵀA/σ_y²)⁻¹ and m'_k = C'_k(C_k⁻¹ m_k + Aᵀy/σ_y²) (Woodbury) but
/// needs only M×M solves. Components with identical prior covariances share G_k, K_k and C'_k.
public struct GaussianMixturePosterior: Sendable {
    /// log w'_k, normalised (natural log; use these for tiny weights).
    public let logWeights: [Double]
    /// w'_k `[K]` (tiny values underflow to 0).
    public let weights: Tensor
    /// m'_k `[K, D]`.
    public let means: Tensor
    /// C'_k `[K, D, D]`.
    public let covariances: Tensor
    /// Lower Cholesky factors of C'_k (row-major D×D, double), shared between equal covariances.
    let factors: [[Double]]
    let factorIndex: [Int]

    /// The dimension D.
    public var dim: Int { means.shape[1] }

    /// `n` independent draws `[n, D]` from the exact posterior.
    public func sample(n: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        precondition(n >= 0)
        let d = dim
        let w = logWeights.map { _exp($0) }
        var out = [Float](repeating: 0, count: n * d)
        for s in 0..<n {
            let u = Double(Random.uniform(using: &rng)) * w.reduce(0, +)
            var k = 0, acc = 0.0
            for (c, wc) in w.enumerated() where wc > 0 { k = c; acc += wc; if u < acc { break } }
            let l = factors[factorIndex[k]]
            let xi = (0..<d).map { _ in Double(Random.normal(using: &rng)) }
            for i in 0..<d {
                var v = Double(means.scalars[k * d + i])
                for j in 0...i { v += l[i * d + j] * xi[j] }
                out[s * d + i] = Float(v)
            }
        }
        return Tensor(shape: [n, d], scalars: out)
    }
}

extension GaussianMixturePrior {
    /// The exact posterior for the observation `y` `[M]` = A x0 + σ_y n with a dense operator
    /// `matrix` A `[M, D]` (for example `MatrixOperator.matrix`).
    /// - Throws: `PriorError.invalid` for mismatched shapes or σ_y < 0, `PriorError.numerical`
    ///   when A C_k Aᵀ + σ_y² I is singular (σ_y = 0 with a rank-deficient A).
    public func posterior(matrix: Tensor, observation y: Tensor, noiseSigma sigmaY: Double) throws -> GaussianMixturePosterior {
        guard matrix.rank == 2, matrix.shape[1] == dim, matrix.shape[0] >= 1 else {
            throw PriorError.invalid("the operator matrix must have shape [M, \(dim)], got \(matrix.shape)")
        }
        let m = matrix.shape[0], d = dim, kk = count
        guard y.count == m else { throw PriorError.invalid("the observation must have \(m) entries, got shape \(y.shape)") }
        guard sigmaY >= 0, sigmaY.isFinite else { throw PriorError.invalid("σ_y must be ≥ 0, got \(sigmaY)") }
        guard matrix.isFinite, y.isFinite else { throw PriorError.invalid("the operator and observation must be finite") }
        let a = matrix.scalars.map(Double.init), yy = y.scalars.map(Double.init)
        var logW = [Double](repeating: 0, count: kk)
        var meansOut = [Float](repeating: 0, count: kk * d)
        var covOut = [Float](repeating: 0, count: kk * d * d)
        var factors: [[Double]] = [], factorIndex = [Int](repeating: 0, count: kk)
        // Shared per distinct covariance: CAᵀ [D, M], the Cholesky factor of G, log det G, C', its factor.
        var cache: [(first: Int, cat: [Double], lg: [Double], logDetG: Double, factor: Int)] = []
        for k in 0..<kk {
            let cov = covariances.scalars[(k * d * d)..<((k + 1) * d * d)]
            var entry = cache.firstIndex { covariances.scalars[($0.first * d * d)..<(($0.first + 1) * d * d)] == cov }
            if entry == nil {
                let c = cov.map(Double.init)
                var cat = [Double](repeating: 0, count: d * m)          // C Aᵀ
                for i in 0..<d { for r in 0..<m {
                    var s = 0.0
                    for j in 0..<d where c[i * d + j] != 0 { s += c[i * d + j] * a[r * d + j] }
                    cat[i * m + r] = s
                } }
                var g = [Double](repeating: 0, count: m * m)            // A C Aᵀ + σ² I
                for r in 0..<m { for q in 0..<m {
                    var s = 0.0
                    for i in 0..<d { s += a[r * d + i] * cat[i * m + q] }
                    g[r * m + q] = s + (r == q ? sigmaY * sigmaY : 0)
                } }
                guard let lg = DenseDouble.cholesky(g, n: m) else {
                    throw PriorError.numerical("A C_\(k) Aᵀ + σ_y² I is not positive definite (σ_y = \(sigmaY)); use σ_y > 0")
                }
                let logDetG = (0..<m).reduce(0.0) { $0 + 2 * _log(lg[$1 * m + $1]) }
                // C' = C − (CAᵀ) G⁻¹ (CAᵀ)ᵀ, via W = L⁻¹ (CAᵀ)ᵀ: C' = C − Wᵀ W.
                var w = [Double](repeating: 0, count: m * d)
                for i in 0..<d { for r in 0..<m { w[r * d + i] = cat[i * m + r] } }
                DenseDouble.forwardSolve(lg, n: m, columns: d, &w)
                var cp = c
                for i in 0..<d { for j in 0...i {
                    var s = 0.0
                    for r in 0..<m { s += w[r * d + i] * w[r * d + j] }
                    cp[i * d + j] -= s
                    cp[j * d + i] = cp[i * d + j]
                } }
                let factor = DenseDouble.cholesky(cp, n: d, jitter: true) ?? [Double](repeating: 0, count: d * d)
                factors.append(factor)
                cache.append((k, cat, lg, logDetG, factors.count - 1))
                for i in 0..<(d * d) { covOut[k * d * d + i] = Float(cp[i]) }
                entry = cache.count - 1
            } else if let e = entry {
                let first = cache[e].first
                for i in 0..<(d * d) { covOut[k * d * d + i] = covOut[first * d * d + i] }
            }
            guard let e = entry else { continue }
            let shared = cache[e]
            factorIndex[k] = shared.factor
            // Residual y − A m_k, whitened: b = L⁻¹ res; m' = m + CAᵀ L⁻ᵀ b.
            let mk = components[k].mean
            var res = (0..<m).map { r in yy[r] - (0..<d).reduce(0.0) { $0 + a[r * d + $1] * Double(mk[$1]) } }
            DenseDouble.forwardSolve(shared.lg, n: m, columns: 1, &res)
            let quad = res.reduce(0) { $0 + $1 * $1 }
            logW[k] = logWeights[k] - 0.5 * (quad + shared.logDetG + Double(m) * _log(2 * Double.pi))
            DenseDouble.backwardSolve(shared.lg, n: m, &res)
            for i in 0..<d {
                var s = Double(mk[i])
                for r in 0..<m { s += shared.cat[i * m + r] * res[r] }
                meansOut[k * d + i] = Float(s)
            }
        }
        let top = logW.max() ?? 0
        let lse = top + _log(logW.reduce(0) { $0 + _exp($1 - top) })
        let logPost = logW.map { $0 - lse }
        return GaussianMixturePosterior(
            logWeights: logPost, weights: Tensor(shape: [kk], scalars: logPost.map { Float(_exp($0)) }),
            means: Tensor(shape: [kk, d], scalars: meansOut), covariances: Tensor(shape: [kk, d, d], scalars: covOut),
            factors: factors, factorIndex: factorIndex)
    }
}

/// Small dense double-precision helpers for the exact posterior (row-major).
enum DenseDouble {
    /// The lower Cholesky factor of an n×n SPD matrix, nil when not positive definite. With
    /// `jitter`, a semi-definite matrix gets a tiny diagonal boost (relative 1e-12) instead.
    static func cholesky(_ a: [Double], n: Int, jitter: Bool = false) -> [Double]? {
        let scale = (0..<n).reduce(0.0) { max($0, abs(a[$1 * n + $1])) }
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var s = a[j * n + j]
            for p in 0..<j { s -= l[j * n + p] * l[j * n + p] }
            if s <= 0 { if jitter { s = max(s, 0) + 1e-12 * max(scale, 1e-300) } else { return nil } }
            let ljj = s.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var t = a[i * n + j]
                for p in 0..<j { t -= l[i * n + p] * l[j * n + p] }
                l[i * n + j] = t / ljj
            }
        }
        return l
    }

    /// Solves L X = B in place for lower-triangular L (n×n) and B (n×columns).
    static func forwardSolve(_ l: [Double], n: Int, columns: Int, _ b: inout [Double]) {
        for i in 0..<n {
            for c in 0..<columns {
                var s = b[i * columns + c]
                for p in 0..<i { s -= l[i * n + p] * b[p * columns + c] }
                b[i * columns + c] = s / l[i * n + i]
            }
        }
    }

    /// Solves Lᵀ x = b in place for lower-triangular L (n×n).
    static func backwardSolve(_ l: [Double], n: Int, _ b: inout [Double]) {
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for p in (i + 1)..<max(i + 1, n) { s -= l[p * n + i] * b[p] }
            b[i] = s / l[i * n + i]
        }
    }
}
