/// A fully connected layer y = x Wᵀ + b, as PyTorch's `Linear` (weight `[out, in]`).
public struct Linear: Sendable {
    /// `[out, in]`.
    public let weight: Tensor
    /// `[out]` or nil.
    public let bias: Tensor?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// - Precondition: `weight` is a matrix and `bias` (if any) has `out` elements.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "Linear bias must have \(weight.shape[0]) elements")
        self.weight = weight
        self.bias = bias
    }

    /// Applies the layer to a batch `[N, in]`, giving `[N, out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(x.shape)")
        let n = x.shape[0], m = outFeatures, k = inFeatures
        var out = [Float](repeating: 0, count: n * m)
        if let bias { for i in 0..<n { for j in 0..<m { out[i * m + j] = bias.scalars[j] } } }
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                weight.withUnsafeBufferPointer { wp in
                    BLAS.sgemm(transB: true, m: n, n: m, k: k, a: xp.baseAddress!, lda: k, b: wp.baseAddress!, ldb: k,
                               beta: 1, c: o.baseAddress!, ldc: m)
                }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }
}
