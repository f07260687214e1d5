import COpenBLAS

/// The only file that calls `cblas_*` and `LAPACKE_*`; Int ↔ Int32 conversions live here.
public enum BLAS {
    /// C = alpha·op(A)·op(B) + beta·C for row-major matrices given as raw pointers.
    /// - Parameters: A is `m×k` (or `k×m` when `transA`), B is `k×n` (or `n×k` when `transB`), C is `m×n`.
    @inlinable
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha·op(A)·x + beta·y for a row-major `m×n` matrix A.
    @inlinable
    public static func sgemv(trans: Bool = false, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// Sets the number of OpenBLAS threads.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
    /// The number of OpenBLAS threads.
    public static var threads: Int { Int(openblas_get_num_threads()) }
    /// The OpenBLAS kernel in use (for example "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Symmetric eigen-decomposition (`ssyevd`) of a row-major `n×n` matrix in place:
    /// on return `a` holds the eigenvectors as columns and `w` the ascending eigenvalues.
    /// - Returns: the LAPACK info code (0 on success).
    static func ssyevd(n: Int, a: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_ssyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(n), a, Int32(n), w))
    }

    /// Cholesky factorisation (`spotrf`), lower triangle, row-major, in place. Returns info.
    static func spotrf(n: Int, a: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_spotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), a, Int32(n)))
    }

    /// Solves A X = B for square A (`sgesv`), row-major, in place. Returns info.
    static func sgesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) -> Int {
        var ipiv = [Int32](repeating: 0, count: n)
        return Int(LAPACKE_sgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(n), &ipiv, b, Int32(nrhs)))
    }

    /// Thin SVD (`sgesdd`) of a row-major `m×n` matrix: A = U diag(s) Vᵀ. Returns info.
    static func sgesdd(m: Int, n: Int, a: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>,
                       u: UnsafeMutablePointer<Float>, vt: UnsafeMutablePointer<Float>) -> Int {
        let k = Swift.min(m, n)
        return Int(LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(n), s, u, Int32(k), vt, Int32(n)))
    }

    /// Double-precision symmetric eigen-decomposition, row-major, in place.
    static func dsyevd(n: Int, a: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>) -> Int {
        Int(LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(n), a, Int32(n), w))
    }
}
