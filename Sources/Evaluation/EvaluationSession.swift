import Foundation
import TensorCore
import Samplers
import Workbench
import Degradations

/// A quiet `red` session for benchmarks and tuning: statements run exactly as a user types them
/// (so solves use the prior's recommended settings for every option left out), and results are
/// scored against the session's x.
public final class EvaluationSession {
    /// The underlying session.
    public let session: Session

    /// A session with the standard library at `stdlib` loaded, output discarded.
    public init(stdlib: String, seed: UInt64 = 0) throws {
        session = Session(seed: seed, output: { _ in })
        session.status = { _ in }
        session.progress = { _ in }
        if case let .runtimeError(d) = session.loadStdlib(stdlib) { throw EvaluationError.statement("prelude", message: d.message) }
        try run("set progress=off")
    }

    /// Runs statements (one or more lines).
    /// - Throws: `EvaluationError.statement` with the first diagnostic.
    public func run(_ text: String) throws {
        switch session.run(text, name: "<evaluation>", record: false) {
        case .success, .quit: return
        case let .syntaxErrors(ds): throw EvaluationError.statement(text, message: ds.map(\.message).joined(separator: "; "))
        case let .runtimeError(d): throw EvaluationError.statement(text, message: d.message)
        }
    }

    /// The reference x in model space.
    public var truth: Tensor? { session.state.x?.tensor }

    /// A named result (its first item), in model space.
    public func result(_ name: String) throws -> Tensor {
        guard let d = session.state.values[name] else { throw EvaluationError.missingResult(name) }
        return d.first
    }

    /// `estimate` aligned against x over the ambiguities of A, and the choices made, when A has
    /// any: Fourier magnitudes fix each channel only up to sign and point reflection
    /// (`PhaseRetrieval.aligned`). nil for every other operator, or without x.
    public func aligned(_ estimate: Tensor) throws -> (aligned: Tensor, choices: [PhaseRetrieval.Ambiguity])? {
        guard let x = truth, let phase = try session.currentProblem().op as? PhaseRetrieval else { return nil }
        return phase.aligned(estimate, to: x)
    }

    /// The PSNR in dB of a model-space image against x, both mapped to [0, 1] (the estimate clamped).
    public func psnr(_ estimate: Tensor) throws -> Double {
        let (a, b) = try onUnitRange(estimate)
        return try Metrics.psnr(a, b)
    }

    /// The estimate (clamped) and x, both mapped from model space to [0, 1].
    func onUnitRange(_ estimate: Tensor) throws -> (Tensor, Tensor) {
        guard let x = truth else { throw EvaluationError.input("no reference x in the session") }
        return ((estimate.clamped(-1, 1) + 1) / 2, (x + 1) / 2)
    }

    /// The trace of a named solve.
    public func trace(_ name: String) -> Trace? { session.state.traces[name] }
}

extension EvaluationSession {
    /// PSNR (dB) and SSIM of a model-space estimate against x, on [0, 1].
    public func scores(_ estimate: Tensor) throws -> (psnr: Double, ssim: Double) {
        let (a, b) = try onUnitRange(estimate)
        return (try Metrics.psnr(a, b), try Metrics.ssim(a, b))
    }
}
