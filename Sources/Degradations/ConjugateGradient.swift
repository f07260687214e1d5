import TensorCore

/// Conjugate gradients on the normal equations (CGLS): the minimum-norm least-squares solution
/// of `A x = y` from `x₀ = 0`, for linear operators without an exact pseudo-inverse.
public enum ConjugateGradient {
    /// Solves `min ‖A x − y‖² + δ²‖x‖²` by CGLS (δ = `damping`, 0 for the minimum-norm least-squares
    /// solution), stopping when `‖Aᵀ(y − A x) − δ² x‖ ≤ tolerance·‖Aᵀ y‖` or after `maxIterations`.
    /// With δ > 0 it is the Tikhonov-filtered inverse Σ σ/(σ² + δ²)·u vᵀ: singular values well
    /// below δ are damped instead of amplifying noise by 1/σ.
    /// - Parameters:
    ///   - apply: `x ↦ A x`.
    ///   - adjoint: `y ↦ Aᵀ y`.
    public static func leastSquares(_ y: Tensor, apply: (Tensor) -> Tensor, adjoint: (Tensor) -> Tensor,
                                    tolerance: Double = 1e-6, maxIterations: Int = 1000, damping: Double = 0) -> Tensor {
        let d2 = damping * damping
        var r = y
        var s = adjoint(r)
        var x = Tensor.zeros(like: s)
        var p = s
        var gamma = s.squaredNorm()
        let stop = tolerance * tolerance * gamma
        if gamma == 0 { return x }
        for _ in 0..<maxIterations {
            let q = apply(p)
            let qq = q.squaredNorm() + d2 * p.squaredNorm()
            if qq <= 0 { break }
            let alpha = Float(gamma / qq)
            x.add(p, scaledBy: alpha)
            r.add(q, scaledBy: -alpha)
            s = adjoint(r)
            if d2 > 0 { s.add(x, scaledBy: Float(-d2)) }
            let next = s.squaredNorm()
            if next <= stop { break }
            let beta = Float(next / gamma)
            gamma = next
            p = Tensor.linearCombination(1, s, beta, p)
        }
        return x
    }
}
