import Foundation
import ScriptLang
import Samplers

extension Session {
    /// `plot loss|psnr|ssim … [of=NAME|[A, B, …]] [to "f.png"|"f.svg"]`: curves of the last solve
    /// (or of the named solves, overlaid) through gnuplot.
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
        let names = try plotTargets(a)
        let traces = names.compactMap { state.traces[$0] }
        var path = try a.text("to")
        // with a rich front end, a plot without `to` goes through a temporary image file
        let inlinePath = path == nil && display != nil ? try inlinePlotPath(a) : nil
        defer { if let inlinePath { try? FileManager.default.removeItem(atPath: inlinePath) } }
        path = path ?? inlinePath
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
        // the data: one block per solve, one column per series
        let several = names.count > 1
        var columns: [(title: String, values: [Double], y2: Bool, block: Int)] = []
        for (b, trace) in traces.enumerated() {
            let prefix = several ? names[b] + " " : ""
            for s in series {
                switch s {
                case "loss":
                    columns.append((prefix + "data loss", trace.rows.map(\.dataLoss), false, b))
                    if trace.rows.contains(where: { $0.regLoss.isFinite }) { columns.append((prefix + "reg loss", trace.rows.map(\.regLoss), false, b)) }
                case "psnr": columns.append((prefix + "psnr (dB)", trace.rows.map(\.psnr), series.contains("loss"), b))
                default: columns.append((prefix + "ssim", trace.rows.map(\.ssim), series.contains("loss") || series.contains("psnr"), b))
                }
            }
        }
        guard columns.contains(where: { $0.values.contains(where: \.isFinite) }) else {
            let which = several ? "the solves " + names.joined(separator: ", ") + " have" : "the solve '\(names[0])' has"
            throw failure(a, "\(which) no \(series.joined(separator: "/")) values" + (series.contains("loss") ? "" : " (PSNR/SSIM need a ground-truth image)"))
        }
        let title = several ? names.joined(separator: " vs ") : "\(names[0]): \(traces[0].method)"
        var script = [terminalLine, path.map { "set output '\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? "unset output",
                      "set datafile missing 'nan'", "set key outside top center horizontal", "set xlabel 'step'",
                      "set title '\(title.replacingOccurrences(of: "'", with: "''"))'", "unset logscale", "unset y2tics", "set ytics mirror"]
        let y1 = columns.filter { !$0.y2 }.flatMap(\.values).filter(\.isFinite)
        if !y1.isEmpty, y1.allSatisfy({ $0 > 0 }), (y1.max() ?? 1) / Swift.max(y1.min() ?? 1, 1e-30) > 50 { script.append("set logscale y") }
        if columns.contains(where: \.y2) { script += ["set y2tics", "set ytics nomirror"] }
        var plots: [String] = []
        for (b, trace) in traces.enumerated() {
            let mine = columns.filter { $0.block == b }
            script.append("$D\(b) << EOD")
            for (i, r) in trace.rows.enumerated() {
                script.append(([String(r.step)] + mine.map { $0.values[i].isFinite ? String($0.values[i]) : "nan" }).joined(separator: " "))
            }
            script.append("EOD")
            plots += mine.enumerated().map { i, c in
                "$D\(b) using 1:\(i + 2) with lines lw 2 title '\(c.title.replacingOccurrences(of: "'", with: "''"))'" + (c.y2 ? " axes x1y2" : "")
            }
        }
        script.append("plot " + plots.joined(separator: ", "))
        if path != nil { script.append("unset output") }
        let (out, err) = try runGnuplot(script.joined(separator: "\n"), a)
        let report = Gnuplot.Report(err)
        if !report.errors.isEmpty, out.isEmpty || path != nil {
            throw failure(a, "gnuplot: " + report.errors.joined(separator: "; "), kind: path == nil ? .runtime : .output)
        }
        for w in report.warnings { status("gnuplot: " + w) }
        if let inlinePath, let display { display(try plotDisplay(inlinePath, title: title, a)) }
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

    /// The solves `plot` draws: `of=NAME` or `of=[A, B, …]`, else the last solve.
    func plotTargets(_ a: Arguments) throws -> [String] {
        let curves = state.traces.filter { $0.value.rows.count > 1 }.keys.sorted()
        let others = curves.isEmpty ? "no solve has more than one step yet" : "plot one with of=NAME: " + curves.joined(separator: ", ")
        guard let (v, r) = a.options["of"] else {
            guard let last = state.lastSolve, let trace = state.traces[last] else { throw failure(a, "nothing to plot yet: 'solve …' first") }
            guard trace.rows.count > 1 else {
                throw failure(a, "the last solve '\(last)' (\(trace.method)) has a single step: no curve to plot; \(others)")
            }
            return [last]
        }
        let items: [Value]
        switch v {
        case let .list(xs): items = xs
        default: items = [v]
        }
        var names: [String] = []
        for item in items {
            guard case let .text(name, _) = item else {
                throw a.error(.wrongType("'of'", expected: "a solve's name or a list of names", found: "'\(item)'"), r)
            }
            guard state.traces[name] != nil else {
                let known = state.traces.keys.sorted()
                let hint = EditDistance.suggestion(for: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw failure(a, "no solve named '\(name)' to plot\(hint); solves with traces: " + (known.isEmpty ? "none yet" : known.joined(separator: ", ")), at: r)
            }
            if let trace = state.traces[name], trace.rows.count < 2 {
                throw failure(a, "the solve '\(name)' (\(trace.method)) has a single step: no curve to plot; \(others)", at: r)
            }
            names.append(name)
        }
        guard !names.isEmpty else { throw failure(a, "'of' names no solve", at: r) }
        return names
    }
}
