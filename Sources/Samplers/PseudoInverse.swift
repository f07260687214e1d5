import TensorCore
import Degradations

/// The pseudo-inverse A⁺y, replicated for every solution: a deterministic baseline with one step.
public struct PseudoInverse: Solver {
    public static let name = "pinv"
    public init() {}

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        var driver = StepDriver(problem: problem, control: control, total: 1, method: Self.name)
        let x = problem.replicated(problem.op.pseudoInverse(problem.y), n)
        try driver.check(x, step: 1, cause: "the operator's pseudo-inverse is not finite")
        _ = driver.record(step: 1, t: 0, estimate: x, dataLoss: problem.residuals(x).loss)
        return driver.finish(final: x)
    }

    /// The solution and the operator's temporaries, or the metrics'.
    public func peakBytes(_ m: SolveMemory) -> Int? { m.bytes(2 * m.batch + Swift.max(m.op, m.quality)) }
}
