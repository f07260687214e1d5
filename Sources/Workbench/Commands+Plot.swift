import Foundation
import ScriptLang
import Samplers

extension Session {
    /// `plot loss|psnr|ssim … [to "f.png"|"f.svg"]`: curves of the last solve through gnuplot.
    func cmdPlot(_ a: Arguments) throws {
        let known = ["loss", "psnr", "ssim"]
        var series: [String] = []
        for (v, r) in a.positionals {
            let s = v.description
            guard known.contains(s) else {
                throw a.error(.badChoice("series", value: s, choices: known, suggestion: EditDistance.suggestion(for: s, among: known)), r)
            }
            series.append(s)
        }
        if series.isEmpty { series = ["loss"] }
        guard let last = state.lastSolve, let trace = state.traces[last] else { throw failure(a, "nothing to plot yet: 'solve …' first") }
        let path = try a.text("to")
        var terminalLine: String
        if let path {
            let ext = (path as NSString).pathExtension.lowercased()
            switch ext {
            case "png": terminalLine = "set terminal pngcairo size 800,500 noenhanced"
            case "svg": terminalLine = "set terminal svg size 800,500 noenhanced"
            default: throw failure(a, "plots are written as .png or .svg, not '.\(ext)'", at: a.options["to"]?.range, kind: .output)
            }
            let dir = ((path as NSString).deletingLastPathComponent as String)
            if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
                throw failure(a, "cannot write '\(path)': the folder '\(dir)' does not exist", at: a.options["to"]?.range, kind: .output)
            }
        } else {
            terminalLine = "set terminal dumb size \(Swift.max(40, Swift.min(terminal.width, 160))),24 noenhanced"
        }
        // the data: one column per series
        var columns: [(title: String, values: [Double], y2: Bool)] = []
        for s in series {
            switch s {
            case "loss":
                columns.append(("data loss", trace.rows.map(\.dataLoss), false))
                if trace.rows.contains(where: { $0.regLoss.isFinite }) { columns.append(("reg loss", trace.rows.map(\.regLoss), false)) }
            case "psnr": columns.append(("psnr (dB)", trace.rows.map(\.psnr), series.contains("loss")))
            default: columns.append(("ssim", trace.rows.map(\.ssim), series.contains("loss") || series.contains("psnr")))
            }
        }
        guard columns.contains(where: { $0.values.contains(where: \.isFinite) }) else {
            throw failure(a, "the last solve ('\(last)') has no \(series.joined(separator: "/")) values" + (series.contains("loss") ? "" : " (PSNR/SSIM need a ground-truth image)"))
        }
        var script = [terminalLine, path.map { "set output '\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? "unset output",
                      "set datafile missing 'nan'", "set key outside top center horizontal", "set xlabel 'step'",
                      "set title '\(last): \(trace.method)'", "unset logscale", "unset y2tics", "set ytics mirror"]
        let y1 = columns.filter { !$0.y2 }.flatMap(\.values).filter(\.isFinite)
        if !y1.isEmpty, y1.allSatisfy({ $0 > 0 }), (y1.max() ?? 1) / Swift.max(y1.min() ?? 1, 1e-30) > 50 { script.append("set logscale y") }
        if columns.contains(where: \.y2) { script += ["set y2tics", "set ytics nomirror"] }
        script.append("$D << EOD")
        for (i, r) in trace.rows.enumerated() {
            script.append(([String(r.step)] + columns.map { $0.values[i].isFinite ? String($0.values[i]) : "nan" }).joined(separator: " "))
        }
        script.append("EOD")
        let plots = columns.enumerated().map { i, c in
            "$D using 1:\(i + 2) with lines lw 2 title '\(c.title)'" + (c.y2 ? " axes x1y2" : "")
        }
        script.append("plot " + plots.joined(separator: ", "))
        if path != nil { script.append("unset output") }
        let (out, err) = try runGnuplot(script.joined(separator: "\n"), a)
        let problems = err.split(separator: "\n").filter { !$0.contains("warning") && !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix(" ") }
        if !problems.isEmpty, out.isEmpty || path != nil {
            throw failure(a, "gnuplot: " + problems.joined(separator: "; "), kind: path == nil ? .runtime : .output)
        }
        if path == nil {
            output(out.replacingOccurrences(of: "\u{0C}", with: "").trimmingCharacters(in: .newlines))
        }
    }

    func runGnuplot(_ script: String, _ a: Arguments) throws -> (String, String) {
        if gnuplotProcess?.isRunning != true {
            gnuplotProcess?.close()
            guard let exe = Gnuplot.locate() else {
                throw failure(a, "gnuplot is not installed; install it (Debian: apt-get install gnuplot-nox) or run Scripts/setup")
            }
            gnuplotProcess = try attempt(a) { try Gnuplot(executable: exe) }
        }
        guard let gp = gnuplotProcess else { throw failure(a, "gnuplot did not start") }
        return try attempt(a) { try gp.run(script) }
    }
}
