import TensorCore

/// A dense matrix `A` `[M, D]` acting on vectors `[D]` (the exact-posterior lab's operator).
///
/// Its SVD is computed once at construction, so it is an `SVDOperator` (DDRM works on it) and
/// its pseudo-inverse is the exact Moore–Penrose inverse (singular values below
/// `1e-6·σ_max` are treated as zero).
public struct MatrixOperator: SVDOperator {
    /// The matrix `[M, D]`.
    public let matrix: Tensor
    public let singularValues: Tensor
    let u: Tensor, vt: Tensor   // U and Vᵀ completed to orthogonal [M, M] and [D, D]
    public var name: String { "matrix \(matrix.shape[0])x\(matrix.shape[1])" }
    public var inputShape: [Int] { [matrix.shape[1]] }
    public var outputShape: [Int] { [matrix.shape[0]] }

    /// One GEMM pair for the whole batch: R = Y − X Aᵀ `[n, M]`, G = R A `[n, D]`.
    public func dataTerm(_ x: Tensor, y: Tensor, items n: Int) -> (loss: Double, gradient: [Float]) {
        let d = matrix.shape[1], m = Swift.max(y.count, 1)
        var r = Linalg.matmul(x.reshaped([n, d]), matrix, transposeB: true)
        r = Tensor.stacked(Array(repeating: y, count: n)) - r
        let g = Linalg.matmul(r, matrix)
        return (r.squaredNorm() / Double(m) / 2 / Double(n), g.scalars)
    }

    /// Wraps a matrix `[M, D]`.
    /// - Parameter inputDim: when given, the data dimension D the matrix must accept.
    /// - Throws: `OperatorError.shapeMismatch` for a tensor that is not a non-empty matrix (or
    ///   whose D differs from `inputDim`), `OperatorError.invalidParameter` for non-finite
    ///   entries, `OperatorError.numerical` when the SVD fails.
    public init(_ matrix: Tensor, inputDim: Int? = nil) throws {
        guard matrix.rank == 2, matrix.shape[0] >= 1, matrix.shape[1] >= 1 else {
            throw OperatorError.shapeMismatch(what: "the matrix", got: matrix.shape, expected: "a matrix [M, D]")
        }
        if let d = inputDim, d != matrix.shape[1] {
            throw OperatorError.shapeMismatch(what: "the matrix", got: matrix.shape,
                                              expected: "M x \(d) (its columns must match the \(d)-dimensional data)")
        }
        guard matrix.isFinite else {
            throw OperatorError.invalidParameter(parameter: "matrix", value: "\(OperatorError.format(matrix.shape)) with NaN or infinite entries",
                                                 fits: "every entry must be finite")
        }
        self.matrix = matrix
        let m = matrix.shape[0], d = matrix.shape[1]
        // Full V from the eigenvectors of AᵀA (descending), U from the thin SVD.
        do {
            let (u, s, vtThin) = try Linalg.svd(matrix)
            let k = s.count
            var vFull = vtThin.scalars
            if k < d {
                // Complete the row space with an orthonormal basis of the null space: eigenvectors of
                // I − VₖVₖᵀ with eigenvalue 1.
                var proj = Linalg.identity(d)
                proj -= Linalg.matmul(vtThin, vtThin, transposeA: true)
                let (_, vecs) = try Linalg.symmetricEigen(proj)   // ascending: the last d−k have eigenvalue 1
                let vT = vecs.transposed()
                vFull += Array(vT.scalars[(k * d)..<(d * d)])
            }
            var uFull = u.transposed().scalars   // rows = columns of U
            if k < m {
                var proj = Linalg.identity(m)
                proj -= Linalg.matmul(u, u, transposeB: true)
                let (_, vecs) = try Linalg.symmetricEigen(proj)
                uFull += Array(vecs.transposed().scalars[(k * m)..<(m * m)])
            }
            self.u = Tensor(shape: [m, m], scalars: uFull).transposed()
            self.singularValues = s
            self.vt = Tensor(shape: [d, d], scalars: vFull)
        } catch {
            throw OperatorError.numerical("the SVD of the \(m)x\(d) matrix failed: \(error)")
        }
    }

    public func apply(_ x: Tensor) -> Tensor { Linalg.matvec(matrix, x) }
    public func adjoint(_ y: Tensor) -> Tensor { Linalg.matvec(matrix, y, transpose: true) }

    public func applyVT(_ x: Tensor) -> Tensor { Linalg.matvec(vt, x) }
    public func applyV(_ z: Tensor) -> Tensor { Linalg.matvec(vt, z, transpose: true) }
    public func applyUT(_ y: Tensor) -> Tensor { Linalg.matvec(u, y, transpose: true) }
    public func applyU(_ z: Tensor) -> Tensor { Linalg.matvec(u, z) }

    /// The Moore–Penrose pseudo-inverse V Σ⁺ Uᵀ y.
    public func pseudoInverse(_ y: Tensor) -> Tensor {
        let k = singularValues.count, d = matrix.shape[1]
        let smax = singularValues.max()
        let c = applyUT(y)
        var z = [Float](repeating: 0, count: d)
        for i in 0..<k where singularValues[flat: i] > 1e-6 * smax { z[i] = c[flat: i] / singularValues[flat: i] }
        return applyV(Tensor(shape: [d], scalars: z))
    }
}
