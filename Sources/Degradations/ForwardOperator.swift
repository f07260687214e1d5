import TensorCore

/// A forward model `y = A(x)` of an inverse problem, acting on one item (an image `[C, H, W]`
/// or a vector `[D]`); batches are handled by the callers item by item (`applyBatch`).
///
/// Linear operators refine this with `LinearOperator`; operators with a matrix-free singular
/// value decomposition (for DDRM and exact pseudo-inverses) with `SVDOperator`.
public protocol ForwardOperator: Sendable {
    /// A short human-readable name with its parameters, for example `"downsample 4"`.
    var name: String { get }
    /// The shape of one input item.
    var inputShape: [Int] { get }
    /// The shape of one measurement.
    var outputShape: [Int] { get }
    /// Whether the operator is linear (then `vjp(at:_:)` does not depend on `x`).
    var isLinear: Bool { get }
    /// The forward map `A(x)`.
    func apply(_ x: Tensor) -> Tensor
    /// The vector–Jacobian product `(∂A/∂x)ᵀ v` at `x`.
    func vjp(at x: Tensor, _ v: Tensor) -> Tensor
    /// A pseudo-inverse `A⁺(y)` (for nonlinear operators an approximate inverse used for
    /// initialisation).
    func pseudoInverse(_ y: Tensor) -> Tensor
    /// The operator as an `SVDOperator` when it has an exact matrix-free SVD (DDRM needs it);
    /// nil otherwise. `SVDOperator`s return themselves.
    var svd: (any SVDOperator)? { get }
    /// The inverse iterative samplers start from and guide with (RED-diff's μ₀, the x_T of DPS
    /// and ΠGDM, ΠGDM's A⁺): `pseudoInverse` for every operator except blurs, where singular values
    /// below 3·10⁻² are dropped as upstream does (DDRM/RED-diff `H_pinv`, `ZERO = 3e-2`), so
    /// measurement noise is not amplified by 10⁵. `solve pinv` keeps the exact A⁺.
    func stablePseudoInverse(_ y: Tensor) -> Tensor
    /// The regularisation `stablePseudoInverse` applies, as a singular-value level: 0 for exact
    /// inverses, 3·10⁻² (relative to σ_max) for blurs. A chain without an SVD damps its CGLS
    /// solve with the largest level of its parts.
    var stableDamping: Double { get }
    /// The data term of `n` stacked items x `[n, input…]` against the measurement y: the mean
    /// over items of ‖y − A(x_i)‖²/(2·count(y)), and J_Aᵀ(y − A(x_i)) of every item flattened
    /// `[n·count(input)]`. The default goes item by item; a dense matrix uses one GEMM pair.
    func dataTerm(_ x: Tensor, y: Tensor, items n: Int) -> (loss: Double, gradient: [Float])
}

extension ForwardOperator {
    public var svd: (any SVDOperator)? { nil }
    public var stableDamping: Double { 0 }
    public func stablePseudoInverse(_ y: Tensor) -> Tensor { pseudoInverse(y) }
}

extension SVDOperator {
    public var svd: (any SVDOperator)? { self }
}

/// A linear forward operator with an exact adjoint.
public protocol LinearOperator: ForwardOperator {
    /// The adjoint `Aᵀ y`.
    func adjoint(_ y: Tensor) -> Tensor
}

extension LinearOperator {
    public var isLinear: Bool { true }
    public func vjp(at x: Tensor, _ v: Tensor) -> Tensor { adjoint(v) }
}

/// A linear operator with a matrix-free singular value decomposition `A = U Σ Vᵀ`.
///
/// Spectral convention (as in DDRM): `applyVT` maps an input item to a flat vector of
/// `inputShape` element count whose first `singularValues.count` coordinates pair with
/// `singularValues` (the rest lie in the null space); `applyUT` maps a measurement to a flat
/// vector of `outputShape` element count whose first `singularValues.count` coordinates pair
/// with them too. `applyV` and `applyU` are the inverse (orthogonal) maps. Singular values may be
/// zero (for example an unobserved pixel).
public protocol SVDOperator: LinearOperator {
    /// The singular values σ_i, paired with the leading spectral coordinates.
    var singularValues: Tensor { get }
    /// Vᵀ x: input item → flat spectral vector `[inputCount]`.
    func applyVT(_ x: Tensor) -> Tensor
    /// V z: flat spectral vector `[inputCount]` → input item.
    func applyV(_ z: Tensor) -> Tensor
    /// Uᵀ y: measurement → flat spectral vector `[outputCount]`.
    func applyUT(_ y: Tensor) -> Tensor
    /// U z: flat spectral vector `[outputCount]` → measurement.
    func applyU(_ z: Tensor) -> Tensor
}

extension ForwardOperator {
    public func dataTerm(_ x: Tensor, y: Tensor, items n: Int) -> (loss: Double, gradient: [Float]) {
        let d = inputShape.reduce(1, *), m = Swift.max(y.count, 1)
        var loss = 0.0
        var grad = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let xi = x.item(i)
            let r = y - apply(xi)
            loss += r.squaredNorm() / Double(m) / 2
            grad.replaceSubrange((i * d)..<((i + 1) * d), with: vjp(at: xi, r).scalars)
        }
        return (loss / Double(n), grad)
    }

    /// Applies the operator to every item of a batch `[N, inputShape…]`.
    public func applyBatch(_ x: Tensor) -> Tensor {
        Tensor.stacked((0..<x.shape[0]).map { apply(x.item($0)) })
    }
}
