import Foundation
import TensorCore

/// Compressed sensing on images: a seeded random subset of `m = round(fraction·C·H·W)`
/// coefficients of an orthogonal transform `T`, `y = P_S T x` `[m]`.
///
/// `T` is the orthonormal 2-D DCT-II of every channel, by default after a seeded random sign
/// flip of every pixel (a "structurally random matrix", Do et al. 2012, whose rows are
/// incoherent with both pixels and smooth images). Rows of `P_S T` are orthonormal, so the SVD
/// is `U = I`, σ = 1 (m times), `Vᵀ x = (T x)` with the selected coefficients first; `A⁺ = Aᵀ`.
public struct CompressedSensing: SVDOperator {
    /// The orthogonal transform whose coefficients are sampled.
    public enum Transform: String, Sendable {
        /// Orthonormal 2-D DCT-II per channel.
        case dct
        /// Random ±1 per pixel, then the orthonormal 2-D DCT-II.
        case signedDCT
    }
    public let inputShape: [Int]
    public let fraction: Double
    public let transform: Transform
    let selected: [Int]        // sorted coefficient indices
    let order: [Int]           // selected first, then the rest (natural order)
    let signs: [Float]         // per entry (all 1 for .dct)
    let dh: Tensor, dw: Tensor // DCT matrices [H, H], [W, W]
    public var outputShape: [Int] { [selected.count] }
    public var name: String { "sense \(fraction)" }
    public var singularValues: Tensor { Tensor.ones([selected.count]) }

    /// - Throws: `OperatorError.invalidParameter` for a fraction outside (0, 1] or one that
    ///   keeps no coefficient.
    public init(shape: [Int], fraction: Double, transform: Transform = .signedDCT,
                using rng: inout some RandomNumberGenerator) throws {
        let (c, h, w) = try Validate.image(shape, for: "sense")
        let n = c * h * w
        let m = Int((fraction * Double(n)).rounded())
        guard fraction.isFinite, fraction > 0, fraction <= 1, m >= 1 else {
            throw OperatorError.invalidParameter(parameter: "fraction", value: "\(fraction)",
                fits: "the kept fraction of coefficients must lie in (0, 1] and keep at least one of \(n), for example 0.25")
        }
        inputShape = shape
        self.fraction = fraction
        self.transform = transform
        signs = transform == .signedDCT ? (0..<n).map { _ in Random.uniform(using: &rng) < 0.5 ? -1 : 1 } : [Float](repeating: 1, count: n)
        let perm = Random.permutation(n, using: &rng)
        selected = perm.prefix(m).sorted()
        var isSelected = [Bool](repeating: false, count: n)
        for i in selected { isSelected[i] = true }
        order = selected + (0..<n).filter { !isSelected[$0] }
        dh = CompressedSensing.dctMatrix(h)
        dw = CompressedSensing.dctMatrix(w)
    }

    /// The orthonormal DCT-II matrix `D[k, n] = α_k cos(π(2n + 1)k / 2N)`.
    public static func dctMatrix(_ n: Int) -> Tensor {
        var d = [Float](repeating: 0, count: n * n)
        for k in 0..<n {
            let a = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            for j in 0..<n { d[k * n + j] = Float(a * cos(Double.pi * Double(2 * j + 1) * Double(k) / Double(2 * n))) }
        }
        return Tensor(shape: [n, n], scalars: d)
    }

    /// `T x` as `[C, H, W]` coefficients.
    func forwardTransform(_ x: Tensor) -> Tensor {
        var s = x
        s.combine(with: Tensor(shape: inputShape, scalars: signs), *)
        return SeparableOperator.sandwich(s, dh, transposeL: false, dw, transposeR: false)
    }

    /// `Tᵀ z` for coefficients `[C, H, W]`.
    func inverseTransform(_ z: Tensor) -> Tensor {
        var x = SeparableOperator.sandwich(z, dh, transposeL: true, dw, transposeR: true)
        x.combine(with: Tensor(shape: inputShape, scalars: signs), *)
        return x
    }

    public func apply(_ x: Tensor) -> Tensor {
        let t = forwardTransform(x)
        return Tensor(shape: outputShape, scalars: selected.map { t.scalars[$0] })
    }

    public func adjoint(_ y: Tensor) -> Tensor {
        var z = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (k, i) in selected.enumerated() { z[i] = y.scalars[k] }
        return inverseTransform(Tensor(shape: inputShape, scalars: z))
    }

    /// `Aᵀ y` (the rows are orthonormal).
    public func pseudoInverse(_ y: Tensor) -> Tensor { adjoint(y) }

    public func applyVT(_ x: Tensor) -> Tensor {
        let t = forwardTransform(x)
        return Tensor(shape: [t.count], scalars: order.map { t.scalars[$0] })
    }
    public func applyV(_ z: Tensor) -> Tensor {
        var t = [Float](repeating: 0, count: z.count)
        for (k, i) in order.enumerated() { t[i] = z.scalars[k] }
        return inverseTransform(Tensor(shape: inputShape, scalars: t))
    }
    public func applyUT(_ y: Tensor) -> Tensor { y.reshaped([y.count]) }
    public func applyU(_ z: Tensor) -> Tensor { z.reshaped(outputShape) }
}

extension CompressedSensing {
    /// How the singular values of a random Gaussian sensing matrix are set.
    public enum Spectrum: String, Sendable {
        /// The Gaussian matrix as drawn.
        case gaussian
        /// The exact-posterior benchmark layout (MCGdiff, ICLR 2024): the Gaussian matrix's
        /// singular values replaced by sorted (descending) Uniform(0, 1) draws.
        case uniformSorted
    }

    /// A random `rows × dim` sensing matrix for vector data (`sense rows=2`), seeded.
    /// - Throws: `OperatorError.invalidParameter` for rows or dim below 1.
    public static func gaussianMatrix(rows: Int, dim: Int, spectrum: Spectrum = .uniformSorted,
                                      using rng: inout some RandomNumberGenerator) throws -> MatrixOperator {
        guard rows >= 1 && rows <= 4096 else {
            throw OperatorError.invalidParameter(parameter: "rows", value: "\(rows)", fits: "use 1...\(Swift.max(dim, 1)) rows for \(dim)-dimensional data")
        }
        guard dim >= 1 else {
            throw OperatorError.shapeMismatch(what: "the data", got: [dim], expected: "a vector [D] with D ≥ 1")
        }
        var a = Random.normal([rows, dim], using: &rng)
        do {
            if spectrum == .uniformSorted {
                let (u, s, vt) = try Linalg.svd(a)
                let draws = (0..<s.count).map { _ in Random.uniform(using: &rng) }.sorted(by: >)
                let k = s.count
                var us = u
                for i in 0..<rows { for j in 0..<k { us.scalars[i * k + j] *= draws[j] } }
                a = Linalg.matmul(us, vt)
            }
            return try MatrixOperator(a)
        } catch {
            throw OperatorError.numerical("could not build the random sensing matrix: \(error)")
        }
    }
}
