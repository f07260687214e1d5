import Foundation
import TensorCore
import Samplers
import Evaluation

/// The sweep: per task family, a coordinate search over each sampler's settings, scored by the
/// mean PSNR over seeded crops of the training photos.
final class Tuner {
    /// One crop of one task, set up once (prior loaded, y measured) and solved many times.
    struct Case {
        let task: EvaluationTask
        let photo: String
        let session: EvaluationSession
        /// Whether A has a singular value decomposition (DDRM needs one).
        let hasSVD: Bool

        /// Whether `method` can solve this case: DDRM needs an SVD of A, ΠGDM a linear A.
        func admits(_ method: String) -> Bool {
            switch method {
            case "ddrm": return hasSVD
            case "pigdm": return task.isLinear
            default: return true
            }
        }
    }

    /// One scored setting: the options as typed after `solve METHOD`.
    struct Point {
        let family: RecommendedSettings.TaskFamily
        let method: String
        let stage: String
        let options: [(String, String)]
        var psnr: Double
        var seconds: Double
        var text: String { options.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
    }

    let options: TuneOptions
    var cases: [RecommendedSettings.TaskFamily: [Case]] = [:]
    var points: [Point] = []
    var rows: [String] = ["family,task,photo,method,stage,options,psnr,seconds"] {
        didSet { try? (rows.joined(separator: "\n") + "\n").write(toFile: "\(options.out)/sweep.csv", atomically: true, encoding: .utf8) }
    }
    var chosen: [String: [String: [String: String]]] = [:]
    /// Scores of an earlier sweep (`--resume`): "family|method|options" → (photo, PSNR, seconds) per crop.
    var previous: [String: [(photo: String, psnr: Double, seconds: Double)]] = [:]
    /// Mean scores read from an earlier run's log (`--resume red-tune.log`): "family|method|options" → (PSNR, seconds).
    var previousMeans: [String: (psnr: Double, seconds: Double)] = [:]

    /// Sets up `crops` crops per task from the photos (seeded).
    init(options: TuneOptions, stdlib: String) throws {
        self.options = options
        let photos = (try? FileManager.default.contentsOfDirectory(atPath: options.photos))?
            .filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted() ?? []
        guard photos.count >= options.crops else {
            throw EvaluationError.input("\(options.photos) holds \(photos.count) photos; run Scripts/fetch-photos (the training photos) first")
        }
        for path in options.resume { try loadPrevious(path) }
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        for task in options.tasks {
            // each task's crops depend only on the seed and the task, not on the other tasks swept
            var rng = SeededGenerator(seed: options.seed).derived(EvaluationTask.allCases.firstIndex(of: task) ?? 0)
            var pool = photos
            for _ in 0..<options.crops {
                let photo = pool.remove(at: Int(rng.next() % UInt64(pool.count)))
                let path = (options.photos as NSString).appendingPathComponent(photo)
                let session = try EvaluationSession(stdlib: stdlib)
                let load = try EvaluationImage.crop(path: path, side: options.side, scale: options.scale, using: &rng)
                try session.run("prior \(EvaluationImage.quoted(options.prior))\nset seed=\(options.seed)\n\(load)\n\(task.statement)\nmeasure")
                let hasSVD = (try? session.session.currentProblem().op.svd) != nil
                cases[task.family, default: []].append(Case(task: task, photo: photo, session: session, hasSVD: hasSVD))
            }
        }
    }

    /// The families in sweep order.
    var families: [RecommendedSettings.TaskFamily] { RecommendedSettings.TaskFamily.allCases.filter { cases[$0] != nil } }

    /// Mean PSNR of `solve METHOD OPTIONS` over the family's crops (cached per setting).
    @discardableResult
    func score(_ family: RecommendedSettings.TaskFamily, _ method: String, _ stage: String, _ opts: [(String, String)]) -> Point {
        let text = opts.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        if let p = points.first(where: { $0.family == family && $0.method == method && $0.text == text }) { return p }
        var psnrs: [Double] = [], seconds: [Double] = []
        if let m = previousMeans["\(family.rawValue)|\(method)|\(text)"] {
            let point = Point(family: family, method: method, stage: stage, options: opts, psnr: m.psnr, seconds: m.seconds)
            points.append(point)
            rows.append("\(family.rawValue),,(mean of an earlier run),\(method),\(stage),\(text),\(String(format: "%.3f,%.2f", m.psnr, m.seconds))")
            print(String(format: "  %-16@ %-8@ %-8@ %-44@ %6.2f dB  (earlier run)", family.rawValue as NSString, method as NSString, stage as NSString, text as NSString, m.psnr))
            return point
        }
        let reused = previous["\(family.rawValue)|\(method)|\(text)"] ?? []
        for (i, c) in (cases[family] ?? []).enumerated() where c.admits(method) {
            if i < reused.count, reused[i].photo == c.photo {
                psnrs.append(reused[i].psnr); seconds.append(reused[i].seconds)
                rows.append("\(family.rawValue),\(c.task.rawValue),\(c.photo),\(method),\(stage),\(text),\(String(format: "%.3f,%.2f", reused[i].psnr, reused[i].seconds))")
                continue
            }
            do {
                try c.session.run("set seed=\(options.seed + 1)\nsolve \(method) \(text) as tune")
                // phase retrieval is scored up to its trivial ambiguities (sign, point reflection)
                let x = try c.session.result("tune")
                let p = try c.session.psnr(try c.session.aligned(x)?.aligned ?? x)
                let s = c.session.trace("tune")?.seconds ?? 0
                psnrs.append(p); seconds.append(s)
                rows.append("\(family.rawValue),\(c.task.rawValue),\(c.photo),\(method),\(stage),\(text),\(String(format: "%.3f,%.2f", p, s))")
            } catch {
                // a diverged or failed setting scores nothing, and loses
                psnrs.append(0); seconds.append(0)
                rows.append("\(family.rawValue),\(c.task.rawValue),\(c.photo),\(method),\(stage),\(text),,")
                print("  \(family.rawValue) \(method) \(text): \(error)")
            }
        }
        let point = Point(family: family, method: method, stage: stage, options: opts,
                          psnr: psnrs.reduce(0, +) / Double(max(1, psnrs.count)), seconds: seconds.reduce(0, +) / Double(max(1, seconds.count)))
        points.append(point)
        print(String(format: "  %-16@ %-8@ %-8@ %-44@ %6.2f dB  %6.1f s", family.rawValue as NSString, method as NSString, stage as NSString,
                     text as NSString, point.psnr, point.seconds))
        return point
    }

    /// The smallest step count whose score is within `tolerance` dB of the best.
    static func fewestSteps(_ candidates: [Point], tolerance: Double = 0.2) -> Point? {
        guard let best = candidates.max(by: { $0.psnr < $1.psnr }) else { return nil }
        func steps(_ p: Point) -> Int { Int(p.value("steps")) ?? 0 }
        return candidates.filter { $0.psnr >= best.psnr - tolerance }
            .min { steps($0) != steps($1) ? steps($0) < steps($1) : $0.psnr > $1.psnr }
    }

    /// Reads an earlier sweep.csv (the rows this tool writes), or the log it printed (mean scores).
    func loadPrevious(_ path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw EvaluationError.input("cannot read '\(path)'") }
        if !text.hasPrefix("family,") {
            // log lines: "  FAMILY METHOD STAGE k=v k=v …  PSNR dB  SECONDS s"
            for line in text.split(separator: "\n") {
                let f = line.split(separator: " ").map(String.init)
                guard f.count >= 7, f[f.count - 1] == "s", f[f.count - 3] == "dB", let p = Double(f[f.count - 4]), let s = Double(f[f.count - 2]),
                      RecommendedSettings.TaskFamily(rawValue: f[0]) != nil else { continue }
                let options = f[3..<(f.count - 4)].joined(separator: " ")
                previousMeans["\(f[0])|\(f[1])|\(options)"] = (p, s)
            }
            return
        }
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let p = Double(f[6]), let s = Double(f[7]) else { continue }
            previous["\(f[0])|\(f[3])|\(f[5])", default: []].append((f[2], p, s))
        }
    }

    func record(_ family: RecommendedSettings.TaskFamily, _ method: String, _ p: Point) {
        for (k, v) in p.options { chosen[method, default: [:]][family.rawValue, default: [:]][k] = v }
    }
}

extension Tuner.Point {
    /// The value of one option.
    func value(_ key: String) -> String { options.first { $0.0 == key }?.1 ?? "" }
}
