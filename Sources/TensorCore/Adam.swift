#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Adam (Kingma & Ba 2015) with PyTorch's arithmetic (`torch.optim.Adam`): at step k ≥ 1,
/// m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − (α/(1−β1^k))·m/(√v/√(1−β2^k) + ε).
///
/// The one Adam of the package: RED-diff updates μ with `update(_:m:v:range:stepSize:invSqrtBc2:gradient:)`
/// on flat buffers, the U-Net trainer its named parameters with `update(_:gradients:learningRate:)`.
public struct Adam: Sendable {
    public var beta1: Double, beta2: Double, epsilon: Float
    /// Steps taken so far by `update(_:gradients:learningRate:)`.
    public var step: Int = 0
    /// First and second moments of the named parameters.
    public var m: [String: Tensor] = [:]
    public var v: [String: Tensor] = [:]

    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The scalars of step k ≥ 1 with step size α: α/(1−β1^k) and 1/√(1−β2^k).
    public func coefficients(step k: Int, learningRate: Double) -> (stepSize: Float, invSqrtBc2: Float) {
        let bc1 = 1 - pow(beta1, Double(k)), bc2 = 1 - pow(beta2, Double(k))
        return (Float(learningRate / bc1), Float(1 / bc2.squareRoot()))
    }

    /// One update of θ, m and v at the indices `range`, the gradient at index i being
    /// `gradient(i)`; `stepSize` and `invSqrtBc2` from `coefficients(step:learningRate:)`.
    @inlinable
    public func update(_ theta: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                       range: Range<Int>, stepSize: Float, invSqrtBc2: Float, gradient: (Int) -> Float) {
        let b1 = Float(beta1), b2 = Float(beta2), e = epsilon
        var i = range.lowerBound
        while i < range.upperBound {
            let g = gradient(i)
            let a = b1 * m[i] + (1 - b1) * g
            let b = b2 * v[i] + (1 - b2) * g * g
            m[i] = a; v[i] = b
            theta[i] -= stepSize * a / (b.squareRoot() * invSqrtBc2 + e)
            i &+= 1
        }
    }

    /// One update of every parameter that has a gradient (in the order of the sorted names).
    public mutating func update(_ params: inout [String: Tensor], gradients: [String: Tensor], learningRate: Float) {
        step += 1
        let (stepSize, invSqrtBc2) = coefficients(step: step, learningRate: Double(learningRate))
        for key in params.keys.sorted() {
            guard let g = gradients[key], var p = params[key] else { continue }
            precondition(g.count == p.count, "Adam: the gradient of '\(key)' has \(g.count) values for \(p.count) parameters")
            var mk = m[key] ?? Tensor(shape: p.shape, repeating: 0)
            var vk = v[key] ?? Tensor(shape: p.shape, repeating: 0)
            g.withUnsafeBufferPointer { gp in
                mk.withUnsafeMutableBufferPointer { mp in
                    vk.withUnsafeMutableBufferPointer { vp in
                        p.withUnsafeMutableBufferPointer { pp in
                            guard let theta = pp.baseAddress, let m1 = mp.baseAddress, let m2 = vp.baseAddress else { return }
                            update(theta, m: m1, v: m2, range: 0..<pp.count, stepSize: stepSize, invSqrtBc2: invSqrtBc2) { gp[$0] }
                        }
                    }
                }
            }
            m[key] = mk; v[key] = vk; params[key] = p
        }
    }
}
