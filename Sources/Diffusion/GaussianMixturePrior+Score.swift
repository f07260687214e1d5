import TensorCore

extension GaussianMixturePrior {
    /// The exact ε̂(x_t, t) = σ_t Σ_k r_k(x_t) S_k⁻¹ (x_t − α_t m_k) for a batch `[N, D]` (or one `[D]`),
    /// with responsibilities r_k computed in log space. The generator is not used.
    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        evaluate(xt, t: t, cotangent: nil).eps
    }

    /// The exact posterior mean x̂0 = E[x0 | x_t] = Σ_k r_k μ_k with μ_k = m_k + α_t C_k S_k⁻¹(x_t − α_t m_k),
    /// and the exact VJP (∂x̂0/∂x_t)ᵀ v = Σ_k [r_k α_t C_k S_k⁻¹ v + r_k (μ_k·v − x̂0·v) ∇log N_k],
    /// where ∇log N_k = −S_k⁻¹(x_t − α_t m_k) (the derivative of the responsibilities).
    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent shape \(v.shape) differs from x_t \(xt.shape)")
        let r = evaluate(xt, t: t, cotangent: v)
        return (r.x0, r.vjp)
    }

    /// The exact posterior mean x̂0 (more accurate than Tweedie's formula at large t).
    public func posteriorMean(_ xt: Tensor, t: Int) -> Tensor { evaluate(xt, t: t, cotangent: nil).x0 }

    public func flops(itemShape: [Int], items: Int) -> Double? {
        let rotated = components.filter { $0.basis != nil }.count
        return Double(items) * (Double(rotated) * 4 * Double(dim * dim) + Double(count) * 8 * Double(dim))
    }

    /// The responsibilities r_k(x_t) `[N, K]` under p_t.
    public func responsibilities(_ xt: Tensor, t: Int) -> Tensor { evaluate(xt, t: t, cotangent: nil).resp }

    /// Evaluates ε̂, x̂0 and, when `v` is given, the VJP of x̂0 in three passes over the components:
    /// project (z_k = V_kᵀ(x − α m_k), log-likelihoods), normalise responsibilities, back-project
    /// responsibility-weighted terms (one GEMM per rotated component).
    func evaluate(_ xt: Tensor, t: Int, cotangent v: Tensor?) -> (eps: Tensor, x0: Tensor, vjp: Tensor, resp: Tensor) {
        precondition((xt.rank == 2 && xt.shape[1] == dim) || xt.shape == [dim], "the prior takes \(dataShape), got \(xt.shape)")
        precondition(t >= 0 && t < schedule.count, "t must lie in 0..<\(schedule.count)")
        let n = xt.rank == 2 ? xt.shape[0] : 1, d = dim, kk = count
        let a = schedule.alpha(t), s2 = 1 - schedule.alphaBar(t), sigma = s2.squareRoot()
        let nd = n * d
        let blocks = v == nil ? 2 : 3
        // Scratch: z_k = V_kᵀ(x − α m_k) [K][N][D], V_kᵀ v, a difference buffer, weighted terms, sums.
        let z = UnsafeMutablePointer<Float>.allocate(capacity: kk * nd)
        let pv = UnsafeMutablePointer<Float>.allocate(capacity: v == nil ? 1 : kk * nd)
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: nd)
        let u = UnsafeMutablePointer<Float>.allocate(capacity: blocks * nd)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: blocks * nd)
        out.initialize(repeating: 0, count: blocks * nd)
        defer { z.deallocate(); pv.deallocate(); tmp.deallocate(); u.deallocate(); out.deallocate() }
        var logit = [Double](repeating: 0, count: n * kk)
        var mv = [Double](repeating: 0, count: v == nil ? 0 : n * kk)   // μ_k · v
        let x = xt.scalars, vv = v?.scalars ?? []
        // Pass 1: projections and log-likelihoods (constant −D/2 log 2π dropped).
        for k in 0..<kk {
            let c = components[k]
            let inv = c.eigenvalues.map { 1 / (a * a * $0 + s2) }
            let gain = c.eigenvalues.map { a * $0 / (a * a * $0 + s2) }
            let logDetS = c.eigenvalues.reduce(0) { $0 + _log(a * a * $1 + s2) }
            let mvBase: [Double] = v == nil ? [] : (0..<n).map { i in (0..<d).reduce(0.0) { $0 + Double(c.mean[$1]) * Double(vv[i * d + $1]) } }
            let zk = z + k * nd
            let target = c.basis == nil ? zk : tmp
            for i in 0..<n { for j in 0..<d { target[i * d + j] = x[i * d + j] - Float(a) * c.mean[j] } }
            if let b = c.basis {
                b.withUnsafeBufferPointer { bp in
                    BLAS.sgemm(m: n, n: d, k: d, a: tmp, lda: d, b: bp.baseAddress!, ldb: d, c: zk, ldc: d)
                }
            }
            if let b = c.basis, v != nil {
                vv.withUnsafeBufferPointer { vp in b.withUnsafeBufferPointer { bp in
                    BLAS.sgemm(m: n, n: d, k: d, a: vp.baseAddress!, lda: d, b: bp.baseAddress!, ldb: d, c: pv + k * nd, ldc: d)
                } }
            } else if v != nil {
                for e in 0..<nd { pv[k * nd + e] = vv[e] }
            }
            for i in 0..<n {
                var q = 0.0, m = 0.0
                for j in 0..<d {
                    let zj = Double(zk[i * d + j])
                    q += zj * zj * inv[j]
                    if v != nil { m += gain[j] * zj * Double(pv[k * nd + i * d + j]) }
                }
                logit[i * kk + k] = logWeights[k] - 0.5 * (q + logDetS)
                if v != nil { mv[i * kk + k] = mvBase[i] + m }
            }
        }
        // Pass 2: responsibilities (softmax in log space) and x̂0·v.
        var resp = [Double](repeating: 0, count: n * kk)
        var x0v = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let row = logit[(i * kk)..<((i + 1) * kk)]
            let top = row.max() ?? 0
            var total = 0.0
            for k in 0..<kk { let e = _exp(logit[i * kk + k] - top); resp[i * kk + k] = e; total += e }
            for k in 0..<kk { resp[i * kk + k] /= total; if v != nil { x0v[i] += resp[i * kk + k] * mv[i * kk + k] } }
        }
        // Pass 3: responsibility-weighted back projection into [eps | x0 | vjp] rows.
        for k in 0..<kk {
            let c = components[k]
            let inv = c.eigenvalues.map { 1 / (a * a * $0 + s2) }
            let gain = c.eigenvalues.map { a * $0 / (a * a * $0 + s2) }
            let zk = z + k * nd
            let target = c.basis == nil ? out : u
            let accumulate = c.basis == nil
            for i in 0..<n {
                let r = resp[i * kk + k]
                let ck = v == nil ? 0 : r * (mv[i * kk + k] - x0v[i])
                for j in 0..<d {
                    let zj = Double(zk[i * d + j])
                    let e = Float(r * zj * inv[j]), m = Float(r * gain[j] * zj)
                    let g: Float = v == nil ? 0 : Float(r * gain[j] * Double(pv[k * nd + i * d + j]) - ck * zj * inv[j])
                    if accumulate {
                        target[i * d + j] += e; target[nd + i * d + j] += m
                        if v != nil { target[2 * nd + i * d + j] += g }
                    } else {
                        target[i * d + j] = e; target[nd + i * d + j] = m
                        if v != nil { target[2 * nd + i * d + j] = g }
                    }
                }
            }
            if let b = c.basis {
                b.withUnsafeBufferPointer { bp in
                    BLAS.sgemm(transB: true, m: blocks * n, n: d, k: d, a: u, lda: d, b: bp.baseAddress!, ldb: d,
                               beta: 1, c: out, ldc: d)
                }
            }
        }
        // ε̂ = σ Σ r S⁻¹(x − αm); x̂0 = Σ r m_k + Σ r α C S⁻¹ (x − αm).
        var eps = [Float](repeating: 0, count: nd), x0 = [Float](repeating: 0, count: nd)
        for i in 0..<n {
            var meanPart = [Double](repeating: 0, count: d)
            for k in 0..<kk {
                let r = resp[i * kk + k]
                if r == 0 { continue }
                for j in 0..<d { meanPart[j] += r * Double(components[k].mean[j]) }
            }
            for j in 0..<d {
                eps[i * d + j] = Float(sigma) * out[i * d + j]
                x0[i * d + j] = Float(meanPart[j]) + out[nd + i * d + j]
            }
        }
        let vjp = v == nil ? [] : Array(UnsafeBufferPointer(start: out + 2 * nd, count: nd))
        return (Tensor(shape: xt.shape, scalars: eps), Tensor(shape: xt.shape, scalars: x0),
                Tensor(shape: v == nil ? [0] : xt.shape, scalars: vjp), Tensor(shape: [n, kk], scalars: resp.map(Float.init)))
    }
}

extension GaussianMixturePrior {
    /// log p_t(x) of the noised mixture for each row of a batch `[N, D]`, in double precision
    /// (a direct evaluation, for checks and diagnostics).
    public func logDensity(_ xt: Tensor, t: Int) -> [Double] {
        precondition((xt.rank == 2 && xt.shape[1] == dim) || xt.shape == [dim], "the prior takes \(dataShape), got \(xt.shape)")
        let n = xt.rank == 2 ? xt.shape[0] : 1, d = dim
        let a = schedule.alpha(t), s2 = 1 - schedule.alphaBar(t)
        return (0..<n).map { i in
            let logits = components.enumerated().map { k, c -> Double in
                let diff = (0..<d).map { Double(xt.scalars[i * d + $0]) - a * Double(c.mean[$0]) }
                var q = 0.0, logDet = 0.0
                for j in 0..<d {
                    var zj = diff[j]
                    if let b = c.basis { zj = (0..<d).reduce(0.0) { $0 + Double(b[$1 * d + j]) * diff[$1] } }
                    let s = a * a * c.eigenvalues[j] + s2
                    q += zj * zj / s
                    logDet += _log(s)
                }
                return logWeights[k] - 0.5 * (q + logDet + Double(d) * _log(2 * Double.pi))
            }
            let top = logits.max() ?? 0
            return top + _log(logits.reduce(0) { $0 + _exp($1 - top) })
        }
    }
}
