import Foundation

/// A single-line progress bar (`\r`-redrawn): step, loss and remaining time. Silent when not
/// drawing to a terminal.
struct ProgressBar {
    let label: String
    let enabled: Bool
    let write: (String) -> Void
    let width: Int
    var lastDraw = 0.0
    var drawn = false

    init(label: String, enabled: Bool, width: Int, write: @escaping (String) -> Void) {
        self.label = label
        self.enabled = enabled
        self.width = width
        self.write = write
    }

    mutating func update(step: Int, total: Int, loss: Double, elapsed: Double) {
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

    /// Erases the bar.
    mutating func finish() {
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
