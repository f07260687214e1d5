import TensorCore
import Degradations

extension Baselines {
    /// Total-variation regularised least squares, argmin ½‖A x − y‖² + μ·TV(x), with the isotropic
    /// TV Σ_p ‖(∇x)_p‖₂ per channel, by the primal–dual method of Chambolle and Pock (2011) on
    /// K = [A; ∇] (no inner solves, so it works for any linear operator).
    /// - Parameters:
    ///   - mu: μ in model units.
    ///   - iterations: primal–dual iterations.
    ///   - start: the initial x (default Aᵀy).
    public static func totalVariation(_ y: Tensor, op: any LinearOperator, mu: Double, iterations: Int = 400,
                                      start: Tensor? = nil) -> Tensor {
        let shape = op.inputShape
        let n = shape.reduce(1, *)
        // ‖K‖² ≤ ‖A‖² + ‖∇‖² with ‖∇‖² ≤ 8 on the grid
        let normK = (operatorNormSquared(op) + 8).squareRoot()
        let tau = Float(0.99 / normK), sigma = Float(0.99 / normK)
        var x = start ?? op.adjoint(y)
        var xBar = x
        var p = Tensor.zeros(like: y)                // dual of the data term
        var q = [Float](repeating: 0, count: 2 * n)  // dual of the TV term, (vertical, horizontal)
        let bound = Float(mu)
        for _ in 0..<iterations {
            // p ← prox_{σF₁*}(p + σ A x̄) with F₁(z) = ½‖z − y‖²: (p + σ(A x̄ − y)) / (1 + σ)
            p = Tensor.linearCombination(1, p, sigma, op.apply(xBar) - y) * (1 / (1 + sigma))
            // q ← projection of q + σ ∇x̄ onto the pointwise ball ‖q_p‖₂ ≤ μ
            let g = gradient(xBar)
            g.withUnsafeBufferPointer { gp in
                for k in 0..<n {
                    let a = q[k] + sigma * gp[k], b = q[n + k] + sigma * gp[n + k]
                    let norm = (a * a + b * b).squareRoot()
                    let s = norm > bound ? bound / norm : 1
                    q[k] = a * s; q[n + k] = b * s
                }
            }
            // x ← x − τ Kᵀ(p, q); x̄ ← 2x_new − x_old
            let step = op.adjoint(p) + gradientAdjoint(Tensor(shape: [2 * n], scalars: q), shape: shape)
            let next = Tensor.linearCombination(1, x, -tau, step)
            xBar = Tensor.linearCombination(2, next, -1, x)
            x = next
        }
        return x
    }

    /// TV with μ tuned against the ground truth over a log grid (an oracle), warm-starting each μ
    /// from the previous one. Returns the estimate and the chosen μ.
    public static func tunedTotalVariation(_ y: Tensor, op: any LinearOperator, truth: Tensor,
                                           grid: [Double] = [1e-3, 3e-3, 1e-2, 3e-2, 1e-1]) -> (x: Tensor, mu: Double) {
        var best = (x: op.pseudoInverse(y), mu: 0.0, err: Double.infinity)
        var start: Tensor? = nil
        for mu in grid {
            let x = totalVariation(y, op: op, mu: mu, start: start)
            start = x
            let err = (x - truth).squaredNorm()
            if err < best.err { best = (x, mu, err) }
        }
        return (best.x, best.mu)
    }

    /// ‖A‖² by 30 power iterations on AᵀA (seeded, so reproducible), with a 5 % margin.
    static func operatorNormSquared(_ op: any LinearOperator) -> Double {
        var rng = SeededGenerator(seed: 0x5eed)
        var v = Random.normal(op.inputShape, using: &rng)
        var estimate = 0.0
        for _ in 0..<30 {
            let norm = v.squaredNorm().squareRoot()
            guard norm > 0 else { return 1 }
            v = v * Float(1 / norm)
            let w = op.adjoint(op.apply(v))
            estimate = w.dot(v)
            v = w
        }
        return 1.05 * estimate
    }
}
