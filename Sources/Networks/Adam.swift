import TensorCore

/// Adam (Kingma & Ba 2015) with bias correction, over named parameters.
///
/// m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − α m̂/(√v̂ + ε) with m̂ = m/(1−β1^k),
/// v̂ = v/(1−β2^k) at step k ≥ 1.
public struct Adam: Sendable {
    public var beta1: Float, beta2: Float, epsilon: Float
    /// Steps taken so far.
    public var step: Int = 0
    public var m: [String: Tensor] = [:]
    public var v: [String: Tensor] = [:]

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// One update of every parameter that has a gradient.
    public mutating func update(_ params: inout [String: Tensor], gradients: [String: Tensor], learningRate: Float) {
        step += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let c1 = 1 - Float(Double(b1).power(step)), c2 = 1 - Float(Double(b2).power(step))
        for key in params.keys.sorted() {
            guard let g = gradients[key], var p = params[key] else { continue }
            var mk = m[key] ?? Tensor(shape: p.shape, repeating: 0)
            var vk = v[key] ?? Tensor(shape: p.shape, repeating: 0)
            g.withUnsafeBufferPointer { gp in
                mk.withUnsafeMutableBufferPointer { mp in
                    vk.withUnsafeMutableBufferPointer { vp in
                        p.withUnsafeMutableBufferPointer { pp in
                            for i in 0..<pp.count {
                                let gi = gp[i]
                                mp[i] = b1 * mp[i] + (1 - b1) * gi
                                vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                                pp[i] -= learningRate * (mp[i] / c1) / ((vp[i] / c2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
            m[key] = mk; v[key] = vk; params[key] = p
        }
    }
}

extension Double {
    /// self^k for k ≥ 0 by repeated squaring.
    func power(_ k: Int) -> Double {
        var result = 1.0, base = self, e = k
        while e > 0 { if e & 1 == 1 { result *= base }; base *= base; e >>= 1 }
        return result
    }
}
