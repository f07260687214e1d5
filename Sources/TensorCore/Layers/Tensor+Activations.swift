import Foundation

extension Tensor {
    /// SiLU (swish): x·sigmoid(x) = x/(1 + e^(−x)), element-wise.
    public func silu() -> Tensor { map { $0 / (1 + Foundation.exp(-$0)) } }

    /// SiLU in place.
    public mutating func applySiLU() { apply { $0 / (1 + Foundation.exp(-$0)) } }
}
