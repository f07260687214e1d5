import TensorCore

/// The identity `y = x` (denoising). Its SVD is the identity with all singular values 1.
public struct Identity: SVDOperator {
    public let inputShape: [Int]
    public var outputShape: [Int] { inputShape }
    public var name: String { "identity" }
    public var singularValues: Tensor { Tensor.ones([inputShape.reduce(1, *)]) }

    /// The identity on items of `shape`.
    public init(shape: [Int]) { self.inputShape = shape }

    public func apply(_ x: Tensor) -> Tensor { x }
    public func adjoint(_ y: Tensor) -> Tensor { y }
    public func pseudoInverse(_ y: Tensor) -> Tensor { y }
    public func applyVT(_ x: Tensor) -> Tensor { x.reshaped([x.count]) }
    public func applyV(_ z: Tensor) -> Tensor { z.reshaped(inputShape) }
    public func applyUT(_ y: Tensor) -> Tensor { y.reshaped([y.count]) }
    public func applyU(_ z: Tensor) -> Tensor { z.reshaped(inputShape) }
}
