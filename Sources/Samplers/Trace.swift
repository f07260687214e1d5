import Foundation
import TensorCore

/// The per-step record of a solve, a few numbers per step (no images), exportable as CSV.
///
/// Values are averages over the `n` solutions. Missing values (no regulariser, no ground truth,
/// SSIM not computed at that step) are NaN and export as empty CSV cells.
public struct Trace: Sendable {
    /// Why the solve ended.
    public enum StopReason: String, Sendable { case completed, stopped, cancelled }

    /// One step's numbers.
    public struct Row: Sendable, Equatable {
        /// 1-based step.
        public var step: Int
        /// The diffusion time.
        public var t: Int
        /// mean((y − A(x̂))²)/2 of the current estimate.
        public var dataLoss: Double
        /// The regulariser (RED-diff); NaN when the method has none.
        public var regLoss: Double
        /// The step size (RED-diff lr, DPS ζ/‖r‖); NaN when the method has none.
        public var lr: Double
        /// PSNR (dB) of the current estimate against the ground truth; NaN when unknown.
        public var psnr: Double
        /// SSIM of the current estimate against the ground truth; NaN when unknown or skipped.
        public var ssim: Double
    }

    /// The method's name, for example `"reddiff"`.
    public var method: String
    /// The rows, one per finished step.
    public internal(set) var rows: [Row] = []
    /// Why the solve ended.
    public internal(set) var stopReason: StopReason = .completed
    /// Wall-clock seconds of the whole solve.
    public internal(set) var seconds: Double = 0

    public init(method: String) { self.method = method }

    /// The CSV header.
    public static let csvHeader = "step,t,data_loss,reg_loss,lr,psnr,ssim"

    /// The trace as CSV (`step,t,data_loss,reg_loss,lr,psnr,ssim`, empty cells for missing values).
    public func csv() -> String {
        var out = Trace.csvHeader + "\n"
        out.reserveCapacity(rows.count * 64)
        func cell(_ v: Double) -> String { v.isNaN ? "" : "\(v)" }
        for r in rows {
            out += "\(r.step),\(r.t),\(cell(r.dataLoss)),\(cell(r.regLoss)),\(cell(r.lr)),\(cell(r.psnr)),\(cell(r.ssim))\n"
        }
        return out
    }

    /// Writes `csv()` to `path` atomically.
    /// - Throws: `TensorError.io` when the file cannot be written.
    public func writeCSV(to path: String) throws {
        try AtomicFile.write(Data(csv().utf8), to: path)
    }
}
