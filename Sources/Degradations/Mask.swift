import TensorCore

/// Inpainting: `y = x ⊙ m` with a binary mask `m` (1 = observed, 0 = hidden); the measurement
/// keeps the image's shape with hidden entries zero.
///
/// SVD: `A` is a diagonal 0/1 matrix, so `U = V` is the permutation that puts the observed
/// entries first (in natural order), the singular values are `k` ones (`k` observed entries),
/// and the pseudo-inverse is the mask itself.
public struct Mask: SVDOperator {
    public let name: String
    public let inputShape: [Int]
    /// The mask `[C, H, W]` (0 or 1).
    public let mask: Tensor
    let order: [Int]          // spectral position → natural index (observed first)
    public let singularValues: Tensor
    /// When every channel shares the mask and it is an outer product `a ⊗ b` of a row
    /// selection and a column selection (for example a half-image mask): `(a, b)`.
    public let separableFactors: (rows: [Float], cols: [Float])?
    public var outputShape: [Int] { inputShape }

    /// A mask operator for images of `shape` `[C, H, W]` from a mask tensor `[H, W]`,
    /// `[1, H, W]` (shared by all channels) or `[C, H, W]`; nonzero entries are observed.
    /// - Throws: `OperatorError.shapeMismatch` when the mask's size differs from the image's.
    public init(shape: [Int], observed: Tensor, name: String = "mask") throws {
        let (c, h, w) = try Validate.image(shape, for: name)
        let ms = observed.shape
        let shared: Bool
        if ms == [h, w] || ms == [1, h, w] { shared = true }
        else if ms == [c, h, w] { shared = c == 1 }
        else {
            throw OperatorError.shapeMismatch(what: "the mask", got: ms,
                expected: "\(h)x\(w) like the image \(OperatorError.format(shape)) (1 or \(c) channels)")
        }
        var m = [Float](repeating: 0, count: c * h * w)
        let plane = h * w
        for i in 0..<m.count {
            let v = shared ? observed.scalars[i % plane] : observed.scalars[i]
            m[i] = v != 0 && !v.isNaN ? 1 : 0
        }
        self.name = name
        self.inputShape = shape
        self.mask = Tensor(shape: shape, scalars: m)
        var observedIdx = [Int](), hidden = [Int]()
        observedIdx.reserveCapacity(m.count)
        for i in 0..<m.count { if m[i] != 0 { observedIdx.append(i) } else { hidden.append(i) } }
        self.order = observedIdx + hidden
        self.singularValues = Tensor.ones([observedIdx.count])
        self.separableFactors = Mask.factor(m, c: c, h: h, w: w)
    }

    /// `(a, b)` with `m[c, i, j] = a[i]·b[j]` for all channels, or nil.
    static func factor(_ m: [Float], c: Int, h: Int, w: Int) -> (rows: [Float], cols: [Float])? {
        let plane = h * w
        for ch in 1..<Swift.max(c, 1) where Array(m[(ch * plane)..<((ch + 1) * plane)]) != Array(m[0..<plane]) { return nil }
        var a = [Float](repeating: 0, count: h), b = [Float](repeating: 0, count: w)
        for i in 0..<h { for j in 0..<w where m[i * w + j] != 0 { a[i] = 1; b[j] = 1 } }
        for i in 0..<h { for j in 0..<w where m[i * w + j] != a[i] * b[j] { return nil } }
        return (a, b)
    }

    /// The fraction of hidden entries.
    public var hiddenFraction: Double { 1 - Double(singularValues.count) / Double(Swift.max(mask.count, 1)) }

    public func apply(_ x: Tensor) -> Tensor { x * mask }
    public func adjoint(_ y: Tensor) -> Tensor { y * mask }
    public func pseudoInverse(_ y: Tensor) -> Tensor { y * mask }

    public func applyVT(_ x: Tensor) -> Tensor {
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in for (k, i) in order.enumerated() { out[k] = px[i] } }
        return Tensor(shape: [x.count], scalars: out)
    }
    public func applyV(_ z: Tensor) -> Tensor {
        var out = [Float](repeating: 0, count: z.count)
        z.withUnsafeBufferPointer { pz in for (k, i) in order.enumerated() { out[i] = pz[k] } }
        return Tensor(shape: inputShape, scalars: out)
    }
    public func applyUT(_ y: Tensor) -> Tensor { applyVT(y) }
    public func applyU(_ z: Tensor) -> Tensor { applyV(z) }
}
