import TensorCore

/// The session's forward operator: degradations composed in the order given,
/// `A = A_n ∘ … ∘ A_1` (`parts[0]` acts first).
///
/// - The vector–Jacobian product runs the parts forward, then their VJPs backward.
/// - `svd` is exact or nil: the one non-identity part's SVD; a product of masks; or, when every
///   part is separable (separable blurs, block averaging, bicubic resampling, row/column masks
///   such as half-image masks), the SVD of the composed separable operator. A box or random
///   mask after a blur has no exact matrix-free SVD, so `svd` is nil there.
/// - `pseudoInverse`: through that SVD when there is one, else (linear) conjugate gradients on
///   the normal equations to `tolerance`, else (nonlinear) the parts' approximate inverses in
///   reverse order.
public struct OperatorChain: ForwardOperator {
    public let parts: [any ForwardOperator]
    public let inputShape: [Int]
    public let isLinear: Bool
    /// The relative tolerance of the CG pseudo-inverse.
    public let tolerance: Double
    /// The iteration cap of the CG pseudo-inverse.
    public let maxIterations: Int
    let exactSVD: (any SVDOperator)?
    public var outputShape: [Int] { parts.last?.outputShape ?? inputShape }
    public var name: String { parts.isEmpty ? "identity" : parts.map(\.name).joined(separator: "; ") }
    public var svd: (any SVDOperator)? { exactSVD }

    /// Composes `parts` (applied first to last) on items of `inputShape`.
    /// - Throws: `OperatorError.shapeMismatch` when a part's input does not fit the previous output.
    public init(inputShape: [Int], parts: [any ForwardOperator], tolerance: Double = 1e-6, maxIterations: Int = 1000) throws {
        var shape = inputShape
        for p in parts {
            guard p.inputShape == shape else {
                throw OperatorError.shapeMismatch(what: "the input of '\(p.name)'", got: shape,
                                                  expected: OperatorError.format(p.inputShape) + " (the previous degradation's output)")
            }
            shape = p.outputShape
        }
        self.inputShape = inputShape
        self.parts = parts
        self.isLinear = parts.allSatisfy(\.isLinear)
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.exactSVD = try OperatorChain.collapse(parts, inputShape: inputShape,
                                                   name: parts.map(\.name).joined(separator: "; "))
    }

    /// The exact SVD of the composition when the parts allow one (see the type's notes).
    static func collapse(_ parts: [any ForwardOperator], inputShape: [Int], name: String) throws -> (any SVDOperator)? {
        let effective = parts.filter { !($0 is Identity) }
        if effective.isEmpty { return Identity(shape: inputShape) }
        if effective.count == 1 { return effective[0].svd }
        if effective.allSatisfy({ $0 is Mask }) {
            let product = effective.reduce(Tensor.ones(inputShape)) { $0 * ($1 as? Mask)!.mask }   // checked above
            return try Mask(shape: inputShape, observed: product, name: name)
        }
        var combined: SeparableOperator?
        for part in effective {
            guard let s = try separable(part) else { return nil }
            if let c = combined { combined = try s.composed(after: c, name: name) } else { combined = s }
        }
        return combined
    }

    /// A part as a separable operator, when it is one.
    static func separable(_ part: any ForwardOperator) throws -> SeparableOperator? {
        if let s = part as? SeparableOperator { return s }
        if let b = part as? BlockAverage { return b.separable }
        if let m = part as? Mask, let (a, b) = m.separableFactors {
            return try SeparableOperator(name: m.name, channels: m.inputShape[0], rows: .diagonal(a), cols: .diagonal(b))
        }
        return nil
    }

    public func apply(_ x: Tensor) -> Tensor { parts.reduce(x) { $1.apply($0) } }

    public func vjp(at x: Tensor, _ v: Tensor) -> Tensor {
        if isLinear { return adjoint(v) }
        var inputs = [Tensor]()
        inputs.reserveCapacity(parts.count)
        var h = x
        for (i, p) in parts.enumerated() {
            inputs.append(h)
            if i < parts.count - 1 { h = p.apply(h) }
        }
        var g = v
        for (p, input) in zip(parts, inputs).reversed() { g = p.vjp(at: input, g) }
        return g
    }

    /// The adjoint `Aᵀ y` of a linear chain.
    public func adjoint(_ y: Tensor) -> Tensor {
        precondition(isLinear, "adjoint of the nonlinear chain '\(name)'")
        var g = y
        for p in parts.reversed() {
            if let l = p as? any LinearOperator { g = l.adjoint(g) } else { g = p.vjp(at: Tensor.zeros(p.inputShape), g) }
        }
        return g
    }

    /// The largest `stableDamping` of the parts.
    public var stableDamping: Double { parts.map(\.stableDamping).max() ?? 0 }

    /// The stable inverse: the exact SVD's when there is one; for other linear chains containing a
    /// blur, CGLS damped as the blur's own stable inverse is (Tikhonov δ = 3·10⁻²).
    public func stablePseudoInverse(_ y: Tensor) -> Tensor {
        if let s = exactSVD { return s.stablePseudoInverse(y) }
        let damping = stableDamping
        if isLinear && damping > 0 {
            return ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance,
                                                  maxIterations: maxIterations, damping: damping)
        }
        return pseudoInverse(y)
    }

    public func pseudoInverse(_ y: Tensor) -> Tensor {
        if let s = exactSVD { return s.pseudoInverse(y) }
        if isLinear {
            return ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance, maxIterations: maxIterations)
        }
        return parts.reversed().reduce(y) { $1.pseudoInverse($0) }
    }
}
