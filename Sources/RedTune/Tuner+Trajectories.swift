import Foundation
import Samplers
import Evaluation

extension Tuner {
    /// RED-diff's PSNR at every step on the first crop of each family: 1000 steps at the paper's
    /// lr 0.5 and the official 0.1, and the chosen settings with each learning-rate schedule. Writes trajectory-FAMILY.csv
    /// (step, t, psnr per run) and trajectories.png.
    func trajectories() throws {
        let dir = options.out
        var plots: [String] = []
        for family in families {
            guard let c = cases[family]?.first else { continue }
            let mine = chosen["reddiff"]?[family.rawValue].map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
            let runs = [("lr 0.5, 1000 steps", "steps=1000 lr=0.5 lambda=0.25 "),
                        ("lr 0.1, 1000 steps", "steps=1000 lr=0.1 lambda=0.25 ")] + (mine.map { m in [("chosen: " + m, m)] + REDDiffOptions.LearningRateSchedule.allCases.dropFirst().map { ("chosen, lrschedule=\($0)", m + " lrschedule=\($0)") } } ?? [])
            var columns: [[String]] = []
            for (label, text) in runs {
                try c.session.run("set seed=\(options.seed + 1)\nsolve reddiff \(text) as traj")
                guard let trace = c.session.trace("traj") else { continue }
                // the x axis is t (descending), so runs of different lengths share it
                columns.append([label] + trace.rows.map { "\($0.t) \(String(format: "%.3f", $0.psnr))" })
                print("  trajectory \(family.rawValue) \(label): final \(String(format: "%.2f", trace.rows.last?.psnr ?? .nan)) dB, "
                      + "lowest \(String(format: "%.2f", trace.rows.map(\.psnr).min() ?? .nan)) dB")
            }
            let file = "\(dir)/trajectory-\(family.rawValue).dat"
            try columns.map { (["# " + $0[0]] + $0.dropFirst()).joined(separator: "\n") }.joined(separator: "\n\n\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            plots.append("set title 'RED-diff trajectory, \(family.rawValue) (\(c.task.rawValue))'; plot "
                         + columns.enumerated().map { "'\(file)' index \($0.offset) with lines title '\($0.element[0])'" }.joined(separator: ", "))
        }
        let script = ["set terminal pngcairo size \(460 * max(1, plots.count)),380 font ',10'", "set output '\(dir)/trajectories.png'",
                      "set multiplot layout 1,\(max(1, plots.count))", "set grid", "set key bottom left", "set xlabel 't'", "set ylabel 'PSNR (dB)'",
                      "set xrange [1000:0]"] + plots + ["unset multiplot"]
        try script.joined(separator: "\n").write(toFile: "\(dir)/trajectories.gp", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot", "\(dir)/trajectories.gp"]
        try? process.run()
        process.waitUntilExit()
    }
}
