import TensorCore

/// Conjugate gradients on the normal equations (CGLS): the minimum-norm least-squares solution
/// of `A x = y` from `x₀ = 0`, for linear operators without an exact pseudo-inverse.
public enum ConjugateGradient {
    /// Solves `min ‖A x − y‖` by CGLS, stopping when `‖Aᵀ(y − A x)‖ ≤ tolerance·‖Aᵀ y‖`
    /// or after `maxIterations`.
    /// - Parameters:
    ///   - apply: `x ↦ A x`.
    ///   - adjoint: `y ↦ Aᵀ y`.
    public static func leastSquares(_ y: Tensor, apply: (Tensor) -> Tensor, adjoint: (Tensor) -> Tensor,
                                    tolerance: Double = 1e-6, maxIterations: Int = 1000) -> Tensor {
        var r = y
        var s = adjoint(r)
        var x = Tensor.zeros(like: s)
        var p = s
        var gamma = s.squaredNorm()
        let stop = tolerance * tolerance * gamma
        if gamma == 0 { return x }
        for _ in 0..<maxIterations {
            let q = apply(p)
            let qq = q.squaredNorm()
            if qq <= 0 { break }
            let alpha = Float(gamma / qq)
            x.add(p, scaledBy: alpha)
            r.add(q, scaledBy: -alpha)
            s = adjoint(r)
            let next = s.squaredNorm()
            if next <= stop { break }
            let beta = Float(next / gamma)
            gamma = next
            p = Tensor.linearCombination(1, s, beta, p)
        }
        return x
    }
}
