import Foundation

/// A progress report of a long command (`solve`, `train`), for front ends that draw their own
/// progress line.
public struct ProgressReport: Sendable, Equatable {
    /// What runs: the solve's name, or `train luma`/`train chroma`.
    public var label: String
    /// The current step (1-based) of `total`.
    public var step: Int
    public var total: Int
    /// The loss of the current step (a solve's data loss, the EM log-likelihood of `train`).
    public var loss: Double
    /// The name of the loss (`loss`, `log-likelihood`).
    public var lossName: String
    /// What a step is called in the final text (`steps`, `iterations`).
    public var unit: String
    /// Seconds since the command started.
    public var elapsed: Double
    /// The last report of this line: the command ended (finished, interrupted or failed).
    public var done: Bool

    public init(label: String, step: Int, total: Int, loss: Double, lossName: String = "loss", unit: String = "steps",
                elapsed: Double, done: Bool) {
        self.label = label
        self.step = step
        self.total = total
        self.loss = loss
        self.lossName = lossName
        self.unit = unit
        self.elapsed = elapsed
        self.done = done
    }

    /// One line of text: `r ████░░░░ 40/100 loss 0.0123 1.2s <1.8s`, and when done
    /// `r: 100/100 steps, loss 0.0123, 3.0s`.
    public var text: String {
        let value = String(format: "%.4g", loss)
        if done {
            return "\(label): \(step)/\(total) \(unit), \(lossName) \(value), \(ProgressBar.time(elapsed))"
        }
        let frac = total > 0 ? Double(step) / Double(total) : 1
        let eta = step > 0 ? elapsed / Double(step) * Double(total - step) : 0
        let filled = Swift.max(0, Swift.min(30, Int((frac * 30).rounded(.down))))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
        return "\(label) \(bar) \(step)/\(total) \(lossName) \(value) \(ProgressBar.time(elapsed)) <\(ProgressBar.time(eta))"
    }
}
