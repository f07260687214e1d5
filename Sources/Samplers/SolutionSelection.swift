import TensorCore

/// Which of a solve's n solutions are kept.
public enum SolutionSelection: String, Sendable, CaseIterable {
    /// All n, one per seed.
    case all
    /// The one whose A(x) is closest to y (least ‖y − A(x)‖²): n restarts of a nonconvex problem,
    /// such as phase retrieval, where a run may settle in a wrong basin. Chosen from the data
    /// alone, never from a known x.
    case fit

    /// The indices of the items of `solution` to keep, in order.
    public func kept(_ solution: Solution, problem: InverseProblem) -> [Int] {
        let n = solution.samples.shape[0]
        switch self {
        case .all: return Array(0..<n)
        case .fit:
            let misfit = problem.residuals(solution.samples).residuals.map { r in
                let e = r.squaredNorm()
                return e.isFinite ? e : .infinity
            }
            return [misfit.indices.min { misfit[$0] < misfit[$1] } ?? 0]
        }
    }
}
