extension QKVAttention {
    /// The vector–Jacobian product with respect to `qkv` (`[N, 3C, …]`) for the output cotangent
    /// `dOut` (`[N, C, …]`). The attention weights are recomputed.
    ///
    /// Per head, with S = QᵀK/√ch, P = softmax_rows(S), A = V Pᵀ:
    /// dV = dA P, dP = dAᵀ V, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = K dSᵀ/√ch, dK = Q dS/√ch.
    public func inputGradient(_ qkv: Tensor, _ dOut: Tensor) -> Tensor {
        let n = qkv.shape[0], width = qkv.shape[1], c = width / 3, ch = c / heads
        let t = qkv.count / Swift.max(1, n * width)
        precondition(dOut.count == n * c * t && dOut.shape[0] == n && dOut.shape[1] == c, "attention cotangent \(dOut.shape) for \(qkv.shape)")
        var dqkv = [Float](repeating: 0, count: qkv.count)
        var p = [Float](repeating: 0, count: t * t), dp = [Float](repeating: 0, count: t * t)
        let alpha = 1 / Float(ch).squareRoot()
        dqkv.withUnsafeMutableBufferPointer { dq in
            p.withUnsafeMutableBufferPointer { pb in
                dp.withUnsafeMutableBufferPointer { dpb in
                    qkv.withUnsafeBufferPointer { xp in
                        dOut.withUnsafeBufferPointer { gp in
                            let pp = pb.baseAddress!, pdp = dpb.baseAddress!
                            for item in 0..<n {
                                let base = xp.baseAddress! + item * width * t, dbase = dq.baseAddress! + item * width * t
                                for head in 0..<heads {
                                    let (qo, ko, vo): (Int, Int, Int)
                                    switch order {
                                    case .legacy: qo = head * 3 * ch * t; ko = qo + ch * t; vo = ko + ch * t
                                    case .splitFirst: qo = head * ch * t; ko = qo + c * t; vo = ko + c * t
                                    }
                                    let da = gp.baseAddress! + (item * c + head * ch) * t
                                    BLAS.sgemm(transA: true, m: t, n: t, k: ch, alpha: alpha, a: base + qo, lda: t, b: base + ko, ldb: t,
                                               beta: 0, c: pp, ldc: t)
                                    Self.softmaxRows(pp, rows: t, cols: t)
                                    BLAS.sgemm(m: ch, n: t, k: t, a: da, lda: t, b: pp, ldb: t, beta: 0, c: dbase + vo, ldc: t)
                                    BLAS.sgemm(transA: true, m: t, n: t, k: ch, a: da, lda: t, b: base + vo, ldb: t, beta: 0, c: pdp, ldc: t)
                                    for r in 0..<t {
                                        let prow = pp + r * t, drow = pdp + r * t
                                        var dot: Float = 0
                                        for s in 0..<t { dot += prow[s] * drow[s] }
                                        for s in 0..<t { drow[s] = prow[s] * (drow[s] - dot) }
                                    }
                                    BLAS.sgemm(transB: true, m: ch, n: t, k: t, alpha: alpha, a: base + ko, lda: t, b: pdp, ldb: t,
                                               beta: 0, c: dbase + qo, ldc: t)
                                    BLAS.sgemm(m: ch, n: t, k: t, alpha: alpha, a: base + qo, lda: t, b: pdp, ldb: t,
                                               beta: 0, c: dbase + ko, ldc: t)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: qkv.shape, scalars: dqkv)
    }
}
