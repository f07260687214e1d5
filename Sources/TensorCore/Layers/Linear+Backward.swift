extension Linear {
    /// The gradients of ⟨dy, x Wᵀ + b⟩ (`dy`: `[N, out]`, `x`: `[N, in]`): dx = dy W,
    /// dW = dyᵀ x, db = Σ_items dy.
    public func gradients(_ x: Tensor, _ dy: Tensor) -> (input: Tensor, weight: Tensor, bias: Tensor) {
        precondition(x.rank == 2 && x.shape[1] == inFeatures && dy.shape == [x.shape[0], outFeatures],
                     "Linear.gradients shapes \(x.shape), \(dy.shape)")
        let n = x.shape[0], m = outFeatures, k = inFeatures
        var dx = [Float](repeating: 0, count: n * k), dw = [Float](repeating: 0, count: m * k)
        var db = [Float](repeating: 0, count: m)
        for i in 0..<n { for j in 0..<m { db[j] += dy.scalars[i * m + j] } }
        dy.withUnsafeBufferPointer { gp in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { o in
                        BLAS.sgemm(m: n, n: k, k: m, a: gp.baseAddress!, lda: m, b: wp.baseAddress!, ldb: k,
                                   beta: 0, c: o.baseAddress!, ldc: k)
                    }
                    dw.withUnsafeMutableBufferPointer { o in
                        BLAS.sgemm(transA: true, m: m, n: k, k: n, a: gp.baseAddress!, lda: m, b: xp.baseAddress!, ldb: k,
                                   beta: 0, c: o.baseAddress!, ldc: k)
                    }
                }
            }
        }
        return (Tensor(shape: [n, k], scalars: dx), Tensor(shape: [m, k], scalars: dw), Tensor(shape: [m], scalars: db))
    }
}
