import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Fits a `PatchGMM` to patches by expectation–maximisation (seeded, deterministic).
///
/// Initialisation: K distinct random patches as means, the sample covariance for every
/// component, uniform weights. Each iteration: E-step (responsibilities in log space through one
/// GEMM onto all eigenbases), M-step (weights, means, and covariances from the
/// responsibility-weighted centred patches, rows with r < 1e-6 skipped, plus `floor`·I).
/// Components that lose their data are restarted on a random patch.
public struct PatchGMMTrainer: Sendable {
    /// The progress of one EM iteration.
    public struct Progress: Sendable {
        /// 1-based iteration number.
        public let iteration: Int
        /// The number of iterations in all.
        public let iterations: Int
        /// Mean log-likelihood per patch (nats) under the mixture before this iteration's M-step.
        public let logLikelihood: Double
        /// Components restarted in this iteration.
        public let restarted: Int
    }

    /// Number of components K.
    public var components: Int
    /// Patch side.
    public var side: Int
    /// EM iterations.
    public var iterations: Int
    /// Added to every covariance diagonal (keeps them positive definite).
    public var floor: Float
    /// The seed of the initialisation and restarts.
    public var seed: UInt64

    public init(components: Int, side: Int = 8, iterations: Int = 30, floor: Float = 1e-5, seed: UInt64 = 0) {
        self.components = components; self.side = side; self.iterations = iterations; self.floor = floor; self.seed = seed
    }

    /// Fits the mixture to `patches` `[N, side²]`.
    /// - Throws: `PriorError.invalid` when there are fewer than 2·K patches or the shape is wrong.
    public func fit(_ patches: Tensor, progress: (Progress) -> Void = { _ in }) throws -> PatchGMM {
        let p = side * side, k = components
        guard k >= 1, side >= 1, iterations >= 0, floor > 0 else { throw PriorError.invalid("EM needs K ≥ 1, side ≥ 1, iterations ≥ 0 and floor > 0") }
        guard patches.rank == 2, patches.shape[1] == p else { throw PriorError.invalid("EM needs patches [N, \(p)], got \(patches.shape)") }
        let n = patches.shape[0]
        guard n >= 2 * k, patches.isFinite else { throw PriorError.invalid("EM needs at least \(2 * k) finite patches for K = \(k), got \(n)") }
        var rng = SeededGenerator(seed: seed)
        // Global statistics.
        var globalMean = [Float](repeating: 0, count: p)
        for i in 0..<n { for j in 0..<p { globalMean[j] += patches.scalars[i * p + j] } }
        for j in 0..<p { globalMean[j] /= Float(n) }
        let globalCov = weightedCovariance(patches, rows: Array(0..<n), weights: [Float](repeating: 1, count: n), mean: globalMean)
            .map { $0 / Float(n) }
        var weights = [Float](repeating: 1 / Float(k), count: k)
        var means = [Float](repeating: 0, count: k * p)
        let picks = Array(Random.permutation(n, using: &rng).prefix(k))
        for (c, i) in picks.enumerated() { for j in 0..<p { means[c * p + j] = patches.scalars[i * p + j] } }
        var covs = [Float](repeating: 0, count: k * p * p)
        for c in 0..<k { for e in 0..<(p * p) { covs[c * p * p + e] = globalCov[e] } }
        var model = try PatchGMM(side: side, weights: Tensor(shape: [k], scalars: weights), means: Tensor(shape: [k, p], scalars: means),
                                 covariances: Tensor(shape: [k, p, p], scalars: covs))
        for it in 0..<iterations {
            let (resp, logLik) = model.responsibilities(patches)
            var restarted = 0
            for c in 0..<k {
                var rows: [Int] = [], w: [Float] = []
                var nk = 0.0
                for i in 0..<n { let r = resp[i * k + c]; nk += Double(r); if r > 1e-6 { rows.append(i); w.append(r) } }
                if nk < Double(p) {   // starved: restart on a random patch with the global covariance
                    let i = Random.index(n, using: &rng)
                    for j in 0..<p { means[c * p + j] = patches.scalars[i * p + j] }
                    for e in 0..<(p * p) { covs[c * p * p + e] = globalCov[e] }
                    weights[c] = 1 / Float(k)
                    restarted += 1
                    continue
                }
                weights[c] = Float(nk / Double(n))
                var m = [Double](repeating: 0, count: p)
                for (i, r) in zip(rows, w) { for j in 0..<p { m[j] += Double(r) * Double(patches.scalars[i * p + j]) } }
                let mf = m.map { Float($0 / nk) }
                for j in 0..<p { means[c * p + j] = mf[j] }
                let cov = weightedCovariance(patches, rows: rows, weights: w, mean: mf)
                let scale = Float(1 / nk)
                for e in 0..<(p * p) { covs[c * p * p + e] = 0.5 * (cov[e] + cov[(e % p) * p + e / p]) * scale }
                for j in 0..<p { covs[c * p * p + j * p + j] += floor }
            }
            progress(Progress(iteration: it + 1, iterations: iterations, logLikelihood: logLik, restarted: restarted))
            model = try PatchGMM(side: side, weights: Tensor(shape: [k], scalars: weights), means: Tensor(shape: [k, p], scalars: means),
                                 covariances: Tensor(shape: [k, p, p], scalars: covs))
        }
        return model
    }

    /// Σ_i w_i (x_i − m)(x_i − m)ᵀ over `rows` (unnormalised; `weights` all 1 gives N·Cov), by GEMM.
    func weightedCovariance(_ x: Tensor, rows: [Int], weights: [Float], mean: [Float]) -> [Float] {
        let p = side * side, n = rows.count
        var centred = [Float](repeating: 0, count: n * p), scaled = centred
        x.withUnsafeBufferPointer { xp in
            for (q, i) in rows.enumerated() {
                let w = weights[q]
                for j in 0..<p { let d = xp[i * p + j] - mean[j]; centred[q * p + j] = d; scaled[q * p + j] = w * d }
            }
        }
        var out = [Float](repeating: 0, count: p * p)
        if n > 0 {
            centred.withUnsafeBufferPointer { cp in scaled.withUnsafeBufferPointer { sp in out.withUnsafeMutableBufferPointer { op in
                BLAS.sgemm(transA: true, m: p, n: p, k: n, a: sp.baseAddress!, lda: p, b: cp.baseAddress!, ldb: p, c: op.baseAddress!, ldc: p)
            } } }
        }
        return out
    }
}

extension PatchGMM {
    /// Responsibilities `[N·K]` (row-major) of patches `[N, P]` and the mean log-likelihood per
    /// patch in nats (including −P/2 log 2π).
    func responsibilities(_ patches: Tensor) -> (resp: [Float], logLikelihood: Double) {
        let p = dim, k = count, kp = k * p, n = patches.shape[0]
        let logDet = (0..<k).map { c in (0..<p).reduce(0.0) { $0 + _log(Double(eigenvalues[c * p + $1])) } }
        let logNorm = (0..<k).map { logWeights[$0] - Float(0.5 * logDet[$0]) }
        let inv = eigenvalues.map { 1 / $0 }
        var resp = [Float](repeating: 0, count: n * k)
        var total = 0.0
        let block = 2048
        let z = UnsafeMutablePointer<Float>.allocate(capacity: block * kp)
        defer { z.deallocate() }
        var start = 0
        while start < n {
            let m = min(block, n - start)
            patches.withUnsafeBufferPointer { xp in bases.withUnsafeBufferPointer { b in
                BLAS.sgemm(m: m, n: kp, k: p, a: xp.baseAddress! + start * p, lda: p, b: b.baseAddress!, ldb: kp, c: z, ldc: kp)
            } }
            var sums = [Double](repeating: 0, count: 8)
            resp.withUnsafeMutableBufferPointer { rp in sums.withUnsafeMutableBufferPointer { sp in
                let box = UncheckedSendable((rp, sp))
                Parallel.forEach(8) { piece in
                    let (rp, sp) = box.value
                    var logit = [Float](repeating: 0, count: k)
                    var acc = 0.0
                    for i in (m * piece / 8)..<(m * (piece + 1) / 8) {
                        let zi = z + i * kp
                        var top = -Float.infinity
                        for c in 0..<k {
                            var q: Float = 0
                            for j in 0..<p { let d = zi[c * p &+ j] - projectedMeans[c * p &+ j]; q += d * d * inv[c * p &+ j] }
                            logit[c] = logNorm[c] - 0.5 * q
                            top = max(top, logit[c])
                        }
                        var tot: Float = 0
                        for c in 0..<k { let e = _expf(logit[c] - top); logit[c] = e; tot += e }
                        for c in 0..<k { rp[(start + i) * k + c] = logit[c] / tot }
                        acc += Double(top) + _log(Double(tot))
                    }
                    sp[piece] = acc
                }
            } }
            total += sums.reduce(0, +)
            start += m
        }
        return (resp, total / Double(n) - 0.5 * Double(p) * _log(2 * Double.pi))
    }
}
