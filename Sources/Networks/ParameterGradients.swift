import TensorCore

/// Gradients of a scalar loss with respect to the network's parameters, keyed by the
/// PyTorch parameter names (accumulated: a parameter used twice gets the sum).
public struct ParameterGradients: Sendable {
    public private(set) var tensors: [String: Tensor] = [:]

    public init() {}

    /// Adds `g` to the gradient of `key`.
    mutating func add(_ key: String, _ g: Tensor) {
        if var old = tensors[key] { old += g; tensors[key] = old } else { tensors[key] = g }
    }

    mutating func add(_ prefix: String, conv: Conv2D, input x: Tensor, cotangent dy: Tensor) {
        let (w, b) = conv.parameterGradients(x, dy)
        add(prefix + ".weight", w)
        add(prefix + ".bias", b)
    }

    mutating func add(_ prefix: String, norm: (weight: Tensor, bias: Tensor)) {
        add(prefix + ".weight", norm.weight)
        add(prefix + ".bias", norm.bias)
    }

    /// The gradients reshaped to the checkpoint's shapes (1×1 `Conv1d` weights are `[out, in, 1]`).
    public func reshaped(to shapes: [(key: String, shape: [Int])]) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (key, shape) in shapes {
            if let g = tensors[key] { out[key] = g.shape == shape ? g : g.reshaped(shape) }
            else { out[key] = Tensor(shape: shape, repeating: 0) }
        }
        return out
    }
}
