import Testing
import Degradations
import TensorCore

/// Adjoint, pseudo-inverse and SVD identities for every linear operator.
@Suite struct LinearOperatorTests {
    func adjoint(_ op: any ForwardOperator, _ y: Tensor) -> Tensor {
        if let l = op as? any LinearOperator { return l.adjoint(y) }
        if let c = op as? OperatorChain { return c.adjoint(y) }
        return op.vjp(at: Tensor.zeros(op.inputShape), y)
    }

    @Test(arguments: linearCases)
    func adjointMatchesInnerProduct(_ c: OperatorCase) throws {
        let op = try c.make()
        #expect(op.isLinear)
        for seed in UInt64(0)..<3 {
            let x = randn(op.inputShape, seed: 100 + seed), y = randn(op.outputShape, seed: 200 + seed)
            let ax = op.apply(x), aty = adjoint(op, y)
            #expect(ax.shape == op.outputShape && aty.shape == op.inputShape)
            let lhs = ax.dot(y), rhs = x.dot(aty)
            #expect(abs(lhs - rhs) <= 1e-5 * Double(x.norm() * y.norm()), "⟨Ax,y⟩ = \(lhs), ⟨x,Aᵀy⟩ = \(rhs)")
        }
    }

    @Test(arguments: linearCases)
    func pseudoInverseReproducesMeasurement(_ c: OperatorCase) throws {
        let op = try c.make()
        let x = randn(op.inputShape, seed: 7)
        let ax = op.apply(x)
        let back = op.apply(op.pseudoInverse(ax))
        #expect(distance(back, ax) <= 1e-4 * Double(ax.norm()), "‖A A⁺ A x − A x‖ = \(distance(back, ax)), ‖Ax‖ = \(ax.norm())")
    }

    @Test(arguments: linearCases)
    func svdReproducesOperator(_ c: OperatorCase) throws {
        let op = try c.make()
        guard let s = op.svd else {
            #expect(c.description.contains("CG"), "\(c) should have an SVD")
            return
        }
        let nIn = op.inputShape.reduce(1, *), nOut = op.outputShape.reduce(1, *)
        let k = s.singularValues.count
        #expect(k <= min(nIn, nOut))
        let x = randn(op.inputShape, seed: 11)
        let z = s.applyVT(x)
        #expect(z.count == nIn)
        // V is orthogonal: norm-preserving and V Vᵀ x = x.
        #expect(abs(Double(z.norm() - x.norm())) <= 1e-4 * Double(x.norm()))
        #expect(distance(s.applyV(z), x) <= 1e-4 * Double(x.norm()))
        var scaled = [Float](repeating: 0, count: nOut)
        for i in 0..<k { scaled[i] = s.singularValues[flat: i] * z[flat: i] }
        let usvx = s.applyU(Tensor(shape: [nOut], scalars: scaled))
        let ax = op.apply(x)
        #expect(usvx.shape == op.outputShape)
        #expect(distance(usvx, ax) <= 1e-4 * Double(max(ax.norm(), 1e-3)), "‖UΣVᵀx − Ax‖ = \(distance(usvx, ax))")
        // U is orthogonal.
        let y = randn(op.outputShape, seed: 12)
        let uty = s.applyUT(y)
        #expect(uty.count == nOut)
        #expect(abs(Double(uty.norm() - y.norm())) <= 1e-4 * Double(y.norm()))
        #expect(distance(s.applyU(uty), y) <= 1e-4 * Double(y.norm()))
    }
}
