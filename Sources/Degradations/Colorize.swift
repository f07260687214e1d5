import TensorCore

/// Colorization: `y = (1/C) Σ_c x_c`, the channel mean as a one-channel image `[1, H, W]`.
///
/// SVD: per pixel the row `(1/C)·1ᵀ` has the singular value `1/√C` with right singular vector
/// `1/√C`; the other `C − 1` directions (an orthonormal complement from a Householder
/// reflection `Q`, `Q e₁ = 1/√C`) are its null space. `U` is the identity. Spectral layout:
/// the `H·W` pixel coordinates first, then `C − 1` null coordinates per pixel.
public struct Colorize: SVDOperator {
    public let inputShape: [Int]
    public var outputShape: [Int] { [1, inputShape[1], inputShape[2]] }
    public var name: String { "colorize" }
    let w: [Float]   // Householder vector (unit), or empty for C = 1
    public var singularValues: Tensor {
        Tensor(shape: [inputShape[1] * inputShape[2]], repeating: 1 / Float(inputShape[0]).squareRoot())
    }

    /// Colorization of images of `shape` `[C, H, W]`.
    public init(shape: [Int]) throws {
        let (c, _, _) = try Validate.image(shape, for: "colorize")
        inputShape = shape
        if c == 1 { w = []; return }
        var v = [Float](repeating: -1 / Float(c).squareRoot(), count: c)
        v[0] += 1
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        w = v.map { $0 / n }
    }

    public func apply(_ x: Tensor) -> Tensor {
        let c = inputShape[0], plane = inputShape[1] * inputShape[2]
        var out = [Float](repeating: 0, count: plane)
        x.withUnsafeBufferPointer { px in
            for ch in 0..<c { for p in 0..<plane { out[p] += px[ch &* plane &+ p] } }
        }
        let s = 1 / Float(c)
        return Tensor(shape: outputShape, scalars: out.map { $0 * s })
    }

    public func adjoint(_ y: Tensor) -> Tensor {
        let c = inputShape[0]
        let s = y.scalars.map { $0 / Float(c) }
        return Tensor(shape: inputShape, scalars: Array([[Float]](repeating: s, count: c).joined()))
    }

    /// The gray value in every channel (exact pseudo-inverse).
    public func pseudoInverse(_ y: Tensor) -> Tensor { adjoint(y) * Float(inputShape[0]) }

    /// `Q v` per pixel for the channel vectors of `[C, plane]` data (Q is symmetric, Q² = I).
    func reflect(_ data: [Float]) -> [Float] {
        let c = inputShape[0], plane = inputShape[1] * inputShape[2]
        if w.isEmpty { return data }
        var out = data
        for p in 0..<plane {
            var d: Float = 0
            for ch in 0..<c { d += w[ch] * data[ch * plane + p] }
            for ch in 0..<c { out[ch * plane + p] -= 2 * d * w[ch] }
        }
        return out
    }

    public func applyVT(_ x: Tensor) -> Tensor {
        let c = inputShape[0], plane = inputShape[1] * inputShape[2]
        let q = reflect(x.scalars)
        var z = [Float](repeating: 0, count: x.count)
        for p in 0..<plane {
            z[p] = q[p]
            for ch in 1..<Swift.max(c, 1) { z[plane + p * (c - 1) + ch - 1] = q[ch * plane + p] }
        }
        return Tensor(shape: [x.count], scalars: z)
    }

    public func applyV(_ z: Tensor) -> Tensor {
        let c = inputShape[0], plane = inputShape[1] * inputShape[2]
        var q = [Float](repeating: 0, count: z.count)
        for p in 0..<plane {
            q[p] = z.scalars[p]
            for ch in 1..<Swift.max(c, 1) { q[ch * plane + p] = z.scalars[plane + p * (c - 1) + ch - 1] }
        }
        return Tensor(shape: inputShape, scalars: reflect(q))
    }

    public func applyUT(_ y: Tensor) -> Tensor { y.reshaped([y.count]) }
    public func applyU(_ z: Tensor) -> Tensor { z.reshaped(outputShape) }
}
