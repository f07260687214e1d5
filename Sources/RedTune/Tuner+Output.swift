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

    /// RED-diff's PSNR against lr (one line per λ, 100 steps) and against steps, per family.
    func plot(_ dir: String) throws {
        var data: [String] = []
        for family in families {
            for lambda in Tuner.lambdas {
                data.append("# \(family.rawValue) lambda=\(lambda)")
                for p in points where p.family == family && p.method == "reddiff" && p.stage == "lr×λ" && p.value("lambda") == lambda {
                    data.append("\(p.value("lr")) \(String(format: "%.3f", p.psnr))")
                }
                data.append(""); data.append("")
            }
            data.append("# \(family.rawValue) steps")
            // the step sweep's lr and λ; its 100-step point was scored in the lr × λ stage
            if let base = points.first(where: { $0.family == family && $0.method == "reddiff" && $0.stage == "steps" }) {
                let line = points.filter { $0.family == family && $0.method == "reddiff" && $0.value("lr") == base.value("lr")
                    && $0.value("lambda") == base.value("lambda") && $0.value("lrschedule").isEmpty }
                for p in line.sorted(by: { (Int($0.value("steps")) ?? 0) < (Int($1.value("steps")) ?? 0) }) {
                    data.append("\(p.value("steps")) \(String(format: "%.3f", p.psnr))")
                }
            }
            data.append(""); data.append("")
        }
        try data.joined(separator: "\n").write(toFile: "\(dir)/sweep.dat", atomically: true, encoding: .utf8)
        let per = Tuner.lambdas.count + 1
        var script = ["set terminal pngcairo size \(420 * families.count),640 font ',10'", "set output '\(dir)/sweep.png'",
                      "set multiplot layout 2,\(families.count)", "set grid", "set key bottom right"]
        for (k, family) in families.enumerated() {
            script.append("set title 'RED-diff, \(family.rawValue): 100 steps'; set xlabel 'lr'; set ylabel 'PSNR (dB)'; set logscale x")
            script.append("plot " + Tuner.lambdas.enumerated().map { (j, l) in "'\(dir)/sweep.dat' index \(k * per + j) with linespoints title 'λ=\(l)'" }.joined(separator: ", "))
        }
        for (k, family) in families.enumerated() {
            script.append("set title 'RED-diff, \(family.rawValue): step count'; set xlabel 'steps'; set ylabel 'PSNR (dB)'; set logscale x")
            script.append("plot '\(dir)/sweep.dat' index \(k * per + per - 1) with linespoints notitle")
        }
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
