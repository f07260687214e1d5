import Foundation

/// A single-line progress bar (`\r`-redrawn): step, loss and remaining time. Silent when not
/// drawing to a terminal. With `report`, it also hands the same updates, structured, to a front end.
struct ProgressBar {
    let label: String
    let enabled: Bool
    let write: (String) -> Void
    let width: Int
    var lastDraw = 0.0
    var drawn = false
    let report: ((ProgressReport) -> Void)?
    var last: ProgressReport?
    var lastReport = 0.0

    init(label: String, enabled: Bool, width: Int, write: @escaping (String) -> Void, report: ((ProgressReport) -> Void)? = nil) {
        self.label = label
        self.enabled = enabled
        self.width = width
        self.write = write
        self.report = report
    }

    mutating func update(step: Int, total: Int, loss: Double, elapsed: Double) {
        if let report {
            let r = ProgressReport(label: label, step: step, total: total, loss: loss, elapsed: elapsed, done: false)
            if last == nil || step == total || elapsed - lastReport >= 0.2 {
                lastReport = elapsed
                report(r)
            }
            last = r
        }
        guard enabled else { return }
        let now = elapsed
        guard step == total || now - lastDraw >= 0.1 || !drawn else { return }
        lastDraw = now
        drawn = true
        let frac = total > 0 ? Double(step) / Double(total) : 1
        let eta = step > 0 ? elapsed / Double(step) * Double(total - step) : 0
        let info = " \(step)/\(total) loss \(String(format: "%.4g", loss)) \(ProgressBar.time(elapsed)) <\(ProgressBar.time(eta))"
        let barWidth = Swift.max(10, Swift.min(40, width - label.count - info.count - 4))
        let filled = Int((frac * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        write("\r\u{1B}[2K\(label) \(bar)\(info)")
    }

    /// Erases the bar (and sends the last report, marked done).
    mutating func finish() {
        if let report, var r = last {
            r.done = true
            report(r)
            last = nil
        }
        guard enabled, drawn else { return }
        write("\r\u{1B}[2K")
        drawn = false
    }

    static func time(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 60 ? String(format: "%d:%02d", t / 60, t % 60) : String(format: "%.1fs", s)
    }
}
