/// Renders diagnostics as text. Pure: returns strings, never prints.
public struct DiagnosticRenderer: Sendable {
    /// Whether to add the source excerpt with a caret (on a terminal).
    public var showExcerpt: Bool
    /// Whether to colour the severity (on a terminal).
    public var useColor: Bool

    public init(showExcerpt: Bool = false, useColor: Bool = false) {
        self.showExcerpt = showExcerpt
        self.useColor = useColor
    }

    /// `FILE:LINE:COL: error: message`, then (optionally) the source line with a caret under the range.
    public func render(_ d: Diagnostic, source: SourceFile?) -> String {
        let sev: String
        if useColor {
            let code = d.severity == .error ? "31" : d.severity == .warning ? "33" : "36"
            sev = "\u{1B}[1;\(code)m\(d.severity.rawValue)\u{1B}[0m"
        } else {
            sev = d.severity.rawValue
        }
        var out = "\(d.file):\(d.range.start.line):\(d.range.start.column): \(sev): \(d.message)"
        guard showExcerpt, let source, source.name == d.file else { return out }
        let lineText = source.lineText(d.range.start.line)
        guard !lineText.isEmpty else { return out }
        let gutter = String(d.range.start.line)
        let pad = String(repeating: " ", count: gutter.count)
        let col = Swift.max(1, d.range.start.column)
        var width = 1
        if d.range.end.line == d.range.start.line {
            width = Swift.max(1, d.range.end.column - d.range.start.column)
        } else {
            width = Swift.max(1, lineText.count - col + 1)
        }
        let prefix = String(lineText.prefix(col - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        var marker = "^" + String(repeating: "~", count: width - 1)
        if useColor { marker = "\u{1B}[1;32m\(marker)\u{1B}[0m" }
        out += "\n \(gutter) | \(lineText)\n \(pad) | \(prefix)\(marker)"
        return out
    }

    /// All diagnostics, one after another.
    public func render(_ ds: [Diagnostic], source: SourceFile?) -> String {
        ds.map { render($0, source: source) }.joined(separator: "\n")
    }
}
