/// Dense linear algebra on matrices `[M, N]` through OpenBLAS and LAPACKE.
public enum Linalg {
    /// The matrix product `a · b` of `[M, K]` and `[K, N]` (either may be transposed).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape) · \(b.shape)")
        // With beta = 0, sgemm never reads C, so the result needs no zero-filling first.
        let c = [Float](unsafeUninitializedCapacity: m * n) { pc, initialized in
            if m > 0 && n > 0 && k > 0 {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        BLAS.sgemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                                   a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                                   c: pc.baseAddress!, ldc: n)
                    }
                }
            } else if m * n > 0 {
                pc.initialize(repeating: 0)
            }
            initialized = m * n
        }
        return Tensor(shape: [m, n], scalars: c)
    }

    /// `A x` for a matrix `[M, N]` and a vector `[N]` (or `Aᵀ x` with `transpose`).
    public static func matvec(_ a: Tensor, _ x: Tensor, transpose: Bool = false) -> Tensor {
        precondition(a.rank == 2)
        let m = a.shape[0], n = a.shape[1]
        precondition(x.count == (transpose ? m : n), "matvec \(a.shape) with \(x.shape)")
        var y = [Float](repeating: 0, count: transpose ? n : m)
        if m == 0 || n == 0 { return Tensor(shape: [y.count], scalars: y) }
        a.withUnsafeBufferPointer { pa in x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in
            BLAS.sgemv(trans: transpose, m: m, n: n, a: pa.baseAddress!, lda: n, x: px.baseAddress!, y: py.baseAddress!)
        } } }
        return Tensor(shape: [y.count], scalars: y)
    }

    /// Eigen-decomposition of a symmetric matrix: `a = V diag(values) Vᵀ`, values ascending,
    /// eigenvectors as the columns of `vectors`. Computed in double precision.
    /// - Throws: `TensorError.numerical` when LAPACK does not converge.
    public static func symmetricEigen(_ a: Tensor) throws -> (values: Tensor, vectors: Tensor) {
        precondition(a.rank == 2 && a.shape[0] == a.shape[1], "symmetricEigen needs a square matrix, got \(a.shape)")
        let n = a.shape[0]
        var m = a.scalars.map(Double.init)
        var w = [Double](repeating: 0, count: n)
        let info = m.withUnsafeMutableBufferPointer { pm in w.withUnsafeMutableBufferPointer { pw in
            BLAS.dsyevd(n: n, a: pm.baseAddress!, w: pw.baseAddress!)
        } }
        if info != 0 { throw TensorError.numerical("symmetric eigen-decomposition failed (LAPACK info \(info))") }
        return (Tensor(shape: [n], scalars: w.map(Float.init)), Tensor(shape: [n, n], scalars: m.map(Float.init)))
    }

    /// The lower Cholesky factor L of a symmetric positive-definite matrix (`a = L Lᵀ`).
    /// - Throws: `TensorError.numerical` when the matrix is not positive definite.
    public static func cholesky(_ a: Tensor) throws -> Tensor {
        precondition(a.rank == 2 && a.shape[0] == a.shape[1], "cholesky needs a square matrix, got \(a.shape)")
        let n = a.shape[0]
        var m = a.scalars
        let info = m.withUnsafeMutableBufferPointer { BLAS.spotrf(n: n, a: $0.baseAddress!) }
        if info != 0 { throw TensorError.numerical("matrix is not positive definite (Cholesky failed at column \(info))") }
        for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { m[i * n + j] = 0 } }
        return Tensor(shape: [n, n], scalars: m)
    }

    /// Solves `a X = b` for square `a` `[N, N]` and `b` `[N, K]` or `[N]`.
    /// - Throws: `TensorError.numerical` when `a` is singular.
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        precondition(a.rank == 2 && a.shape[0] == a.shape[1] && (b.rank == 1 || b.rank == 2) && b.shape[0] == a.shape[0], "solve \(a.shape) with \(b.shape)")
        let n = a.shape[0]
        let k = b.rank == 1 ? 1 : b.shape[1]
        var m = a.scalars
        var x = b.scalars
        let info = m.withUnsafeMutableBufferPointer { pm in x.withUnsafeMutableBufferPointer { px in
            BLAS.sgesv(n: n, nrhs: k, a: pm.baseAddress!, b: px.baseAddress!)
        } }
        if info != 0 { throw TensorError.numerical("matrix is singular (LAPACK info \(info))") }
        return Tensor(shape: b.shape, scalars: x)
    }

    /// Thin singular value decomposition `a = U diag(s) Vᵀ` of `[M, N]`:
    /// U `[M, K]`, s `[K]` descending, Vᵀ `[K, N]` with K = min(M, N).
    public static func svd(_ a: Tensor) throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        precondition(a.rank == 2)
        let m = a.shape[0], n = a.shape[1], k = Swift.min(m, n)
        var work = a.scalars
        var s = [Float](repeating: 0, count: k), u = [Float](repeating: 0, count: m * k), vt = [Float](repeating: 0, count: k * n)
        let info = work.withUnsafeMutableBufferPointer { pa in s.withUnsafeMutableBufferPointer { ps in
            u.withUnsafeMutableBufferPointer { pu in vt.withUnsafeMutableBufferPointer { pv in
                BLAS.sgesdd(m: m, n: n, a: pa.baseAddress!, s: ps.baseAddress!, u: pu.baseAddress!, vt: pv.baseAddress!)
            } }
        } }
        if info != 0 { throw TensorError.numerical("SVD did not converge (LAPACK info \(info))") }
        return (Tensor(shape: [m, k], scalars: u), Tensor(shape: [k], scalars: s), Tensor(shape: [k, n], scalars: vt))
    }

    /// The identity matrix `[n, n]`.
    public static func identity(_ n: Int) -> Tensor {
        var t = Tensor.zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }
}
