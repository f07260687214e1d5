import TensorCore

/// The result of a solve: `n` solutions and the per-step trace.
public struct Solution: Sendable {
    /// The solutions `[n, item…]` in model space.
    public var samples: Tensor
    /// The per-step record.
    public var trace: Trace
    /// Solution `i` `[item…]`.
    public func item(_ i: Int) -> Tensor { samples.item(i) }
}
