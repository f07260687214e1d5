import COpenBLAS

/// The only file that calls `cblas_*` and `LAPACKE_*`; Int ↔ Int32 conversions live here.
public enum BLAS {
    /// OpenBLAS is asked once, before its first use, to run every call on the calling thread:
    /// `red` shares work out to the cores itself (`Parallel`), so a product is always computed
    /// by one core's kernel over a fixed partition (the same bytes on every run), and OpenBLAS's
    /// own thread pool never competes with per-core work for the same cores.
    @usableFromInline static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// Whether `sgemm` shares large products out to the cores (default). When false every product
    /// is one OpenBLAS call, on as many threads as OpenBLAS was last set to: the benchmarks'
    /// reference for OpenBLAS's own threading.
    nonisolated(unsafe) public static var splitsAcrossCores = true

    /// Products below this many multiply–adds (m·n·k) run on one core in `sgemm`.
    public static let splitThreshold = 1 << 22

    /// C = alpha·op(A)·op(B) + beta·C for row-major matrices given as raw pointers, on all cores
    /// (`Parallel.threads`) when the product is large: the longer of C's dimensions is cut into
    /// one contiguous slice per core (multiples of 16), each a single-core `sgemmSerial`.
    /// - Parameters: A is `m×k` (or `k×m` when `transA`), B is `k×n` (or `n×k` when `transB`), C is `m×n`.
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let cores = Parallel.threads, long = Swift.max(m, n)
        guard splitsAcrossCores, cores > 1, m * n * k >= splitThreshold, long >= 32 * cores else {
            sgemmSerial(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                        b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let sa = UncheckedSendable(a), sb = UncheckedSendable(b), sc = UncheckedSendable(c)
        let byColumns = n >= m
        Parallel.forEach(cores) { part in
            let lo = (long * part / cores) & ~15, hi = part == cores - 1 ? long : (long * (part + 1) / cores) & ~15
            guard hi > lo else { return }
            if byColumns {   // columns lo..<hi of B and C
                sgemmSerial(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: sa.value, lda: lda,
                            b: sb.value + (transB ? lo * ldb : lo), ldb: ldb, beta: beta, c: sc.value + lo, ldc: ldc)
            } else {         // rows lo..<hi of A and C
                sgemmSerial(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                            a: sa.value + (transA ? lo : lo * lda), lda: lda,
                            b: sb.value, ldb: ldb, beta: beta, c: sc.value + lo * ldc, ldc: ldc)
            }
        }
    }

    /// `sgemm` on the calling thread only: for work that is already shared out one block per core.
    @inlinable
    public static func sgemmSerial(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                                   alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                   b: UnsafePointer<Float>, ldb: Int,
                                   beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha·op(A)·x + beta·y for a row-major `m×n` matrix A (one core).
    @inlinable
    public static func sgemv(trans: Bool = false, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        _ = singleThreaded
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS runs each call on (1 once `red` has made its first call).
    public static var threads: Int { Int(openblas_get_num_threads()) }
    /// The OpenBLAS kernel in use (for example "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Symmetric eigen-decomposition (`ssyevd`) of a row-major `n×n` matrix in place:
    /// on return `a` holds the eigenvectors as columns and `w` the ascending eigenvalues.
    /// - Returns: the LAPACK info code (0 on success).
    static func ssyevd(n: Int, a: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>) -> Int {
        _ = singleThreaded
        return Int(LAPACKE_ssyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(n), a, Int32(n), w))
    }

    /// Cholesky factorisation (`spotrf`), lower triangle, row-major, in place. Returns info.
    static func spotrf(n: Int, a: UnsafeMutablePointer<Float>) -> Int {
        _ = singleThreaded
        return Int(LAPACKE_spotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), a, Int32(n)))
    }

    /// Solves A X = B for square A (`sgesv`), row-major, in place. Returns info.
    static func sgesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) -> Int {
        _ = singleThreaded
        var ipiv = [Int32](repeating: 0, count: n)
        return Int(LAPACKE_sgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs), a, Int32(n), &ipiv, b, Int32(nrhs)))
    }

    /// Thin SVD (`sgesdd`) of a row-major `m×n` matrix: A = U diag(s) Vᵀ. Returns info.
    static func sgesdd(m: Int, n: Int, a: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>,
                       u: UnsafeMutablePointer<Float>, vt: UnsafeMutablePointer<Float>) -> Int {
        _ = singleThreaded
        let k = Swift.min(m, n)
        return Int(LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a, Int32(n), s, u, Int32(k), vt, Int32(n)))
    }

    /// Double-precision symmetric eigen-decomposition, row-major, in place.
    static func dsyevd(n: Int, a: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>) -> Int {
        _ = singleThreaded
        return Int(LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(n), a, Int32(n), w))
    }
}
