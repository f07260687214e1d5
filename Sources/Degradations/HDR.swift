import TensorCore

/// High-dynamic-range recovery: `y = clip(scale·x, −1, 1)` in model units (the paper's HDR task
/// uses scale 2). Nonlinear; its VJP is `scale·v` where `|scale·x| < 1` and 0 where clipped.
public struct HDR: ForwardOperator {
    public let inputShape: [Int]
    public let scale: Float
    public var outputShape: [Int] { inputShape }
    public var isLinear: Bool { false }
    public var name: String { "hdr scale=\(scale)" }

    /// - Throws: `OperatorError.invalidParameter` for a scale outside (0, 1000].
    public init(shape: [Int], scale: Double = 2) throws {
        guard scale.isFinite, scale > 0, scale <= 1000 else {
            throw OperatorError.invalidParameter(parameter: "scale", value: "\(scale)", fits: "use a positive gain up to 1000, for example 2")
        }
        inputShape = shape
        self.scale = Float(scale)
    }

    public func apply(_ x: Tensor) -> Tensor { let s = scale; return x.map { Swift.min(Swift.max(s * $0, -1), 1) } }

    public func vjp(at x: Tensor, _ v: Tensor) -> Tensor {
        var g = v
        let s = scale
        g.combine(with: x) { vi, xi in Swift.abs(s * xi) < 1 ? s * vi : 0 }
        return g
    }

    /// `y / scale` (exact where nothing was clipped).
    public func pseudoInverse(_ y: Tensor) -> Tensor { y / scale }
}
