import Foundation
import TensorCore
import Samplers
import Evaluation

/// Restoration quality at the prior's own defaults on held-out photos: every task of the paper,
/// every sampler exactly as `solve METHOD` runs it (the prior file's recommended settings for
/// every option), against classical methods computed in the same run on the same A and y.
///
/// Environment (all optional):
/// - `RED_BENCH_QUALITY_PRIOR`: prior file (default the best shipped prior, `unet-long`).
/// - `RED_BENCH_QUALITY_IMAGES`: comma-separated image paths (default the held-out demo images).
/// - `RED_BENCH_QUALITY_SIZE`: side of the square evaluation image (default 256).
/// - `RED_BENCH_QUALITY_METHODS`: samplers (default `reddiff,pigdm,ddrm,dps`), each optionally with
///   options as typed after `solve` (`reddiff,reddiff lrschedule=cosine`).
/// - `RED_BENCH_TASKS`: tasks (default all: inpaint-70, sr4, deblur-gauss, deblur-motion, phase, hdr).
/// - Phase retrieval is also scored after `EvaluationSession.aligned` (each channel's sign and point
///   reflection chosen against the truth), as the method's label with " (aligned)".
/// - `RED_BENCH_QUALITY_CSV`: also write every row (task, image, method, PSNR, SSIM, seconds, and
///   the PSNR over the smooth and the textured half of the pixels, `RegionSplit`) here.
func benchQuality(quick: Bool) {
    Report.section("quality")
    let env = ProcessInfo.processInfo.environment
    let stdlib = benchStdlib()
    let prior = env["RED_BENCH_QUALITY_PRIOR"] ?? "\(stdlib)/priors/unet-long.safetensors"
    let images = env["RED_BENCH_QUALITY_IMAGES"].map { $0.split(separator: ",").map(String.init) }
        ?? (quick ? ["astronaut"] : ["astronaut", "camera", "chelsea", "coffee"]).map { "\(stdlib)/images/\($0).png" }
    let side = Int(env["RED_BENCH_QUALITY_SIZE"] ?? "") ?? (quick ? 64 : 256)
    let methods = (env["RED_BENCH_QUALITY_METHODS"] ?? (quick ? "reddiff,ddrm" : "reddiff,pigdm,ddrm,dps")).split(separator: ",").map(String.init)
    let only = env["RED_BENCH_TASKS"].map { Set($0.split(separator: ",").map(String.init)) }
    let tasks = EvaluationTask.allCases.filter { only?.contains($0.rawValue) ?? true }
    print("prior \((prior as NSString).lastPathComponent) at its recommended settings; \(images.count) image(s) at \(side)x\(side): "
          + images.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
    print("PSNR dB (SSIM) averaged over the images, then PSNR over the smooth | textured half of the pixels (local")
    print("gradient energy of x); classical μ tuned against the truth (oracle); seconds per image")
    var csv = ["task,image,method,psnr,ssim,seconds,psnr_smooth,psnr_textured"]
    let csvPath = env["RED_BENCH_QUALITY_CSV"]
    // written after every row, so a long run that is stopped keeps what it measured
    func writeCSV() {
        guard let path = csvPath else { return }
        do { try (csv.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch { print("quality: \(error)") }
    }
    for task in tasks {
        var rows: [String: (psnr: [Double], ssim: [Double], seconds: [Double], smooth: [Double], textured: [Double])] = [:]
        var order: [String] = []
        func add(_ label: String, _ image: String, _ s: EvaluationSession, _ x: Tensor, _ seconds: Double) throws {
            let (psnr, ssim) = try s.scores(x), region = try s.regionPSNR(x)
            if rows[label] == nil { order.append(label); rows[label] = ([], [], [], [], []) }
            rows[label]?.psnr.append(psnr); rows[label]?.ssim.append(ssim); rows[label]?.seconds.append(seconds)
            rows[label]?.smooth.append(region.smooth); rows[label]?.textured.append(region.textured)
            csv.append("\(task.rawValue),\((image as NSString).lastPathComponent),\(label),"
                       + String(format: "%.3f,%.4f,%.2f,%.3f,%.3f", psnr, ssim, seconds, region.smooth, region.textured))
            if csvPath != nil { writeCSV() }
        }
        for image in images {
            do {
                let s = try EvaluationSession(stdlib: stdlib)
                try s.run("prior \(EvaluationImage.quoted(prior))\nset seed=1\n" + (try EvaluationImage.centred(path: image, side: side))
                          + "\n\(task.statement)\nmeasure")
                let problem = try s.session.currentProblem()
                guard let truth = problem.x else { continue }
                for method in task.classical {
                    let start = Date()
                    guard let x = method.reconstruct(y: problem.y, op: problem.op, truth: truth) else { continue }
                    try add(method.label, image, s, x, Date().timeIntervalSince(start))
                }
                for (k, method) in methods.enumerated() {
                    do {
                        try s.run("set seed=2\nsolve \(method) as m\(k)")
                        let x = try s.result("m\(k)")
                        try add(method, image, s, x, s.trace("m\(k)")?.seconds ?? 0)
                        print("  \(task.rawValue) \((image as NSString).lastPathComponent) \(method): \(Report.fixed(try s.psnr(x), 2)) dB")
                        // Fourier magnitudes fix each channel only up to sign and point reflection
                        if let (a, choices) = try s.aligned(x) {
                            try add("\(method) (aligned)", image, s, a, s.trace("m\(k)")?.seconds ?? 0)
                            print("  \(task.rawValue) \((image as NSString).lastPathComponent) \(method) aligned "
                                  + "(\(choices.map(\.rawValue).joined(separator: ", "))): \(Report.fixed(try s.psnr(a), 2)) dB")
                        }
                    } catch { print("  \(task.rawValue) \(method): \(error)") }
                }
            } catch { print("  \(task.rawValue) \((image as NSString).lastPathComponent): \(error)") }
        }
        print("\(task.rawValue) (family \(task.family.rawValue))")
        for label in order {
            guard let r = rows[label] else { continue }
            Report.row("  " + label, String(format: "%6.2f (%.3f)  %6.2f | %6.2f  %7.1f s", mean(r.psnr), mean(r.ssim),
                                            mean(r.smooth), mean(r.textured), mean(r.seconds)))
        }
        if task.isLinear, let red = rows["reddiff"], let ref = rows[task.reference.label] {
            let margin = mean(red.psnr) - mean(ref.psnr)
            let goal = task == .superResolution ? 1.0 : 0.0
            Report.row("  goal: reddiff − \(task.reference.label) ≥ \(Report.fixed(goal, 1)) dB",
                       String(format: "%+.2f dB", margin) + (margin >= goal ? "  met" : "  MISSED by \(Report.fixed(goal - margin, 2)) dB"))
        }
    }
    writeCSV()
}

/// The mean of a list (NaN for none).
func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }

/// The repository's `Stdlib` folder, from the working directory or this file.
func benchStdlib() -> String {
    if FileManager.default.fileExists(atPath: "Stdlib/prelude.red") { return "Stdlib" }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib").path
}
