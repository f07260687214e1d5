import Foundation
import Samplers
import Evaluation

extension Tuner {
    /// Writes sweep.csv, summary.md, settings.json and (with gnuplot) sweep.png to `options.out`.
    func write() throws {
        let dir = options.out
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try (rows.joined(separator: "\n") + "\n").write(toFile: "\(dir)/sweep.csv", atomically: true, encoding: .utf8)
        let settings = RecommendedSettings(table: chosen)
        try (settings.json + "\n").write(toFile: "\(dir)/settings.json", atomically: true, encoding: .utf8)
        try summary().write(toFile: "\(dir)/summary.md", atomically: true, encoding: .utf8)
        try plot(dir)
    }

    /// The sweep as Markdown: per family and method, every setting with its mean PSNR, the chosen one marked.
    func summary() -> String {
        var out = ["# Sampler settings of \((options.prior as NSString).lastPathComponent)", "",
                   "Swept by `Scripts/tune` on \(options.crops) seeded \(options.side)×\(options.side) crop(s) per task of the training photos "
                   + "(resized to a shorter side of \(options.scale)), seed \(options.seed). Mean PSNR over the family's crops; ✓ = chosen.", ""]
        for family in families {
            out.append("## \(family.rawValue)")
            out.append("")
            out.append("| method | stage | options | PSNR dB | s per solve |")
            out.append("| --- | --- | --- | --- | --- |")
            for p in points where p.family == family {
                let pick = chosen[p.method]?[family.rawValue].map { c in p.options.allSatisfy { c[$0.0] == $0.1 } } ?? false
                out.append("| \(p.method) | \(p.stage) | `\(p.text)` | \(String(format: "%.2f", p.psnr))\(pick ? " ✓" : "") | \(String(format: "%.1f", p.seconds)) |")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// RED-diff's PSNR against lr (one line per λ, 100 steps), against steps, and, from the
    /// classical start, against lr (one line per tmax), per family; panels without data are left out.
    func plot(_ dir: String) throws {
        typealias Series = (title: String, points: [(String, Double)])
        func series(_ family: RecommendedSettings.TaskFamily, _ stage: String, _ keep: (Point) -> Bool) -> [(String, Double)] {
            points.filter { $0.family == family && $0.method == "reddiff" && $0.stage == stage && keep($0) }
                .map { ($0.value("lr"), $0.psnr) }.sorted { (Double($0.0) ?? 0) < (Double($1.0) ?? 0) }
        }
        // per panel kind: its title, x label, and per family the lines
        var panels: [(title: String, x: String, lines: [[Series]])] = []
        panels.append(("100 steps", "lr", families.map { f in Tuner.lambdas.map { l in ("λ=\(l)", series(f, "lr×λ") { $0.value("lambda") == l }) } }))
        panels.append(("step count", "steps", families.map { f in
            // the step sweep's lr and λ; its 100-step point was scored in the lr × λ stage
            guard let base = points.first(where: { $0.family == f && $0.method == "reddiff" && $0.stage == "steps" }) else { return [] }
            let line = points.filter { $0.family == f && $0.method == "reddiff" && $0.value("lr") == base.value("lr")
                && $0.value("lambda") == base.value("lambda") && $0.value("lrschedule").isEmpty && $0.value("init").isEmpty }
            return [("", line.map { ($0.value("steps"), $0.psnr) }.sorted { (Int($0.0) ?? 0) < (Int($1.0) ?? 0) })]
        }))
        panels.append(("from the classical start", "lr", families.map { f in Tuner.warmTMax.map { t in ("tmax=\(t)", series(f, "warm") { $0.value("tmax") == t }) } }))
        panels = panels.filter { $0.lines.contains { $0.contains { !$0.points.isEmpty } } }
        guard !panels.isEmpty else { return }
        var data: [String] = [], index = 0
        var script = ["set terminal pngcairo size \(420 * families.count),\(320 * panels.count) font ',10'", "set output '\(dir)/sweep.png'",
                      "set multiplot layout \(panels.count),\(families.count)", "set grid", "set key bottom right"]
        for panel in panels {
            for (k, family) in families.enumerated() {
                var plots: [String] = []
                for line in panel.lines[k] where !line.points.isEmpty {
                    data.append("# \(family.rawValue) \(panel.title) \(line.title)")
                    data += line.points.map { "\($0.0) \(String(format: "%.3f", $0.1))" }
                    data.append(""); data.append("")
                    plots.append("'\(dir)/sweep.dat' index \(index) with linespoints " + (line.title.isEmpty ? "notitle" : "title '\(line.title)'"))
                    index += 1
                }
                script.append("set title 'RED-diff, \(family.rawValue): \(panel.title)'; set xlabel '\(panel.x)'; set ylabel 'PSNR (dB)'; set logscale x")
                script.append(plots.isEmpty ? "set multiplot next" : "plot " + plots.joined(separator: ", "))
            }
        }
        try data.joined(separator: "\n").write(toFile: "\(dir)/sweep.dat", atomically: true, encoding: .utf8)
        script.append("unset multiplot")
        try script.joined(separator: "\n").write(toFile: "\(dir)/sweep.gp", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot", "\(dir)/sweep.gp"]
        do {
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { print("red-tune: gnuplot failed; the data are in \(dir)/sweep.dat") }
        } catch { print("red-tune: no gnuplot (\(error)); the data are in \(dir)/sweep.dat") }
    }
}
