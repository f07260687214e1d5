import ScriptLang
import TensorCore
import Degradations

extension Session {
    /// The restoration problem the next `solve` would see: A, y (measured first when stale), σ_y
    /// in model units and the reference x when there is one. Lets tools run other methods on
    /// exactly the session's data (the quality benchmark's classical baselines).
    /// - Throws: the diagnostic a `solve` would report (no image yet, a misfit chain …).
    public func currentProblem() throws -> (op: any ForwardOperator, y: Tensor, sigmaY: Double, x: Tensor?) {
        let origin = SourcePosition(offset: 0, line: 1, column: 1)
        let a = Arguments(command: "solve", spec: nil, range: SourceRange(start: origin, end: origin), file: "<problem>")
        let shape = try problemShape(a)
        let y = try measuredY(a)
        let op = try buildOperator(a, shape: shape)
        return (op, y.tensor, modelNoise, state.x?.tensor)
    }
}
