import Foundation
import Samplers
import Evaluation

extension Tuner {
    /// The learning rates, weights λ and step counts RED-diff's sweep visits.
    static let lrs = ["0.05", "0.1", "0.2"], lambdas = ["0.25", "1", "4"], redSteps = ["50", "100", "250", "500"]

    /// RED-diff: lr × λ at 100 steps; then the step count (the fewest within 0.2 dB of the best);
    /// then λ and lr refined (×½, ×2) at that step count; then, when that count exceeds the step
    /// budget (`--max-steps`), lr ×1, 2, 4, 8 and the cosine schedule at the budget, preferred when
    /// within 0.5 dB.
    ///
    /// The observation weight v is not swept: Adam's update is invariant to a common scale of the
    /// loss, so (v, λ) and (c·v, c·λ) give the same iterates and only λ/v matters — sweeping λ at
    /// v = 1 covers it.
    func sweepREDDiff(_ family: RecommendedSettings.TaskFamily) {
        let grid = Tuner.lrs.flatMap { lr in Tuner.lambdas.map { l in
            score(family, "reddiff", "lr×λ", [("steps", "100"), ("lr", lr), ("lambda", l)])
        } }
        guard var best = grid.max(by: { $0.psnr < $1.psnr }) else { return }
        let bySteps = Tuner.redSteps.map { s in score(family, "reddiff", "steps", with(best, "steps", s)) }
        best = Tuner.fewestSteps(bySteps) ?? best
        for key in ["lambda", "lr"] {
            guard let v = Double(best.value(key)) else { continue }
            for f in [0.5, 2.0] {
                let p = score(family, "reddiff", "refine", with(best, key, Self.format(v * f)))
                if p.psnr > best.psnr { best = p }
            }
        }
        // time matters at a prompt: the best setting within the step budget, when it is close
        if let budget = Tuner.redSteps.compactMap(Int.init).filter({ $0 <= options.maxSteps }).max(),
           (Int(best.value("steps")) ?? 0) > budget, let lr = Double(best.value("lr")) {
            let fast = ([1.0, 2.0, 4.0, 8.0].map { f in score(family, "reddiff", "budget", with(with(best, "steps", String(budget)), "lr", Self.format(lr * f))) }
                        + [score(family, "reddiff", "budget", with(with(best, "steps", String(budget)), "lrschedule", "cosine"))])
                .max { $0.psnr < $1.psnr }
            if let fast, fast.psnr >= best.psnr - 0.5 { best = fast }
        }
        record(family, "reddiff", warmStart(family, over: best))
    }

    /// The warm-start grid: `init=classical` (the classical estimate as μ₀) on a time grid below
    /// tmax, at min(100, tmax) steps and `base`'s λ.
    static let warmTMax = ["50", "100", "300"], warmLRs = ["0.02", "0.05", "0.1"]

    /// RED-diff from the classical estimate (`Tuner.warmTMax` × `Tuner.warmLRs`, and lr halved
    /// below the grid while that helps): taken over
    /// `base` when it scores higher, or within 0.2 dB with fewer steps.
    func warmStart(_ family: RecommendedSettings.TaskFamily, over base: Point) -> Point {
        let lambda = base.value("lambda").isEmpty ? Self.format(REDDiffOptions().lambda) : base.value("lambda")
        let grid = Tuner.warmTMax.flatMap { tmax in Tuner.warmLRs.map { lr in
            score(family, "reddiff", "warm", [("steps", String(min(100, Int(tmax) ?? 100))), ("lr", lr), ("lambda", lambda),
                                              ("init", "classical"), ("tmax", tmax)])
        } }
        guard var warm = grid.max(by: { $0.psnr < $1.psnr }) else { return base }
        // the best rate at the grid's low edge: halve it while that helps (at most twice)
        for _ in 0..<2 {
            guard let lr = Double(warm.value("lr")), lr <= Double(Tuner.warmLRs[0]) ?? 0 else { break }
            let lower = score(family, "reddiff", "warm", with(warm, "lr", Self.format(lr / 2)))
            guard lower.psnr > warm.psnr else { break }
            warm = lower
        }
        let fewer = (Int(warm.value("steps")) ?? 0) < (Int(base.value("steps")) ?? Int.max)
        return warm.psnr > base.psnr || fewer && warm.psnr >= base.psnr - 0.2 ? warm : base
    }

    /// The prior's current RED-diff settings for the family, as a bare `solve reddiff` runs them,
    /// written out and scored.
    func currentREDDiff(_ family: RecommendedSettings.TaskFamily) -> Point {
        let current = cases[family]?.first?.session.session.state.priorSettings?.options(method: "reddiff", family: family) ?? [:]
        let defaults = REDDiffOptions()
        var opts: [(String, String)] = [("steps", current["steps"] ?? String(defaults.steps)), ("lr", current["lr"] ?? Self.format(defaults.lr)),
                                        ("lambda", current["lambda"] ?? Self.format(defaults.lambda))]
        for (k, v) in current.sorted(by: { $0.key < $1.key }) where !["steps", "lr", "lambda"].contains(k) { opts.append((k, v)) }
        return score(family, "reddiff", "current", opts)
    }

    /// The learning-rate schedules (`REDDiffOptions.LearningRateSchedule`, the constant rate
    /// aside) × lr ×1, 2, 4 at `base`'s step count: a decaying rate moves μ less in the last
    /// steps, at the smallest t, where a noisy task's solve starts to fit the noise. The best is
    /// taken when it scores higher than `base`.
    func schedules(_ family: RecommendedSettings.TaskFamily, over base: Point) -> Point {
        guard let lr = Double(base.value("lr")) else { return base }
        let grid = REDDiffOptions.LearningRateSchedule.allCases.filter { $0 != .constant }.flatMap { schedule in
            [1.0, 2.0, 4.0].map { f in
                score(family, "reddiff", "schedule", with(with(base, "lrschedule", schedule.rawValue), "lr", Self.format(lr * f)))
            }
        }
        guard let best = grid.max(by: { $0.psnr < $1.psnr }), best.psnr > base.psnr else { return base }
        return best
    }

    /// The regulariser weightings f(r_t) other than `base`'s, each with λ ×¼, 1, 4; a best λ at an
    /// edge of that grid is followed outwards (×4 or ÷4, at most four times: the weightings differ
    /// by orders of magnitude at large t), then refined ×½, ×2; then the step count ×¾ and ×1½
    /// around the winner (the fixed step grid jumps from 100 to 250). The best is taken when it
    /// scores higher than `base`.
    func weightings(_ family: RecommendedSettings.TaskFamily, over base: Point) -> Point {
        guard let lambda = Double(base.value("lambda")) else { return base }
        let current = REDDiffOptions.Weighting(rawValue: base.value("weight")) ?? REDDiffOptions().weighting
        var best = base
        for w in REDDiffOptions.Weighting.allCases where w != current {
            let factors = [0.25, 1.0, 4.0]
            let grid = factors.map { f in
                score(family, "reddiff", "weighting", with(with(base, "weight", w.rawValue), "lambda", Self.format(lambda * f)))
            }
            guard var top = grid.max(by: { $0.psnr < $1.psnr }), var l = Double(top.value("lambda")) else { continue }
            let outward = l == lambda * factors[2] ? 4.0 : l == lambda * factors[0] ? 0.25 : 1
            for _ in 0..<4 where outward != 1 {
                let p = score(family, "reddiff", "weighting", with(top, "lambda", Self.format(l * outward)))
                guard p.psnr > top.psnr else { break }
                top = p; l *= outward
            }
            for f in [0.5, 2.0] {
                let p = score(family, "reddiff", "weighting", with(top, "lambda", Self.format(l * f)))
                if p.psnr > top.psnr { top = p }
            }
            if top.psnr > best.psnr { best = top }
        }
        if let steps = Int(best.value("steps")) {
            for f in [0.75, 1.5] {
                let p = score(family, "reddiff", "steps", with(best, "steps", String(Int((Double(steps) * f).rounded()))))
                if p.psnr > best.psnr { best = p }
            }
        }
        return best
    }

    /// A finer local search around `base`: the step count ×¾ and ×1¼ (at most `--max-steps`), λ and
    /// lr ×√½ and ×√2, one coordinate at a time, each move taken when it scores higher; the round
    /// is repeated while it improves (at most three rounds). The coarse grids step by ×2 to ×4, and
    /// a setting found on small crops need not be the best on crops of the size a user restores.
    func refinement(_ family: RecommendedSettings.TaskFamily, over base: Point) -> Point {
        var best = base
        // λ and lr as base × √2^k: a move back lands on the value scored before, in the same words
        var exponent = ["lambda": 0, "lr": 0]
        for _ in 0..<3 {
            let start = best.psnr
            if let steps = Int(best.value("steps")) {
                for f in [0.75, 1.25] {
                    let n = min(options.maxSteps, Int((Double(steps) * f).rounded()))
                    guard n != steps, n > 0 else { continue }
                    let p = score(family, "reddiff", "refine", with(best, "steps", String(n)))
                    if p.psnr > best.psnr { best = p }
                }
            }
            for key in ["lambda", "lr"] {
                guard let v = Double(base.value(key)), let k = exponent[key] else { continue }
                for d in [-1, 1] {
                    let p = score(family, "reddiff", "refine", with(best, key, Self.format(v * pow(2, Double(k + d) / 2))))
                    if p.psnr > best.psnr { best = p; exponent[key] = k + d }
                }
            }
            guard best.psnr > start else { break }
        }
        return best
    }

    /// ΠGDM and DDRM: the fewest steps within 0.2 dB of the best of a short grid (the better
    /// scoring of equal step counts), each step count with every set of `variants` (extra
    /// options; `[[]]`: the method's defaults only).
    func sweepSteps(_ family: RecommendedSettings.TaskFamily, method: String, grid: [String], variants: [[(String, String)]] = [[]]) {
        let points = variants.flatMap { extra in grid.map { s in score(family, method, "steps", [("steps", s)] + extra) } }
        if let best = Tuner.fewestSteps(points) { record(family, method, best) }
    }

    /// ΠGDM's guidance forms: the default (noiseless, no option written) and `form=noisy`.
    static let piGDMForms: [[(String, String)]] = PiGDMOptions.Form.allCases.map { form in
        form == PiGDMOptions().form ? [] : [("form", form.rawValue)]
    }

    /// DPS: the guidance step ζ at 100 steps (1000 steps is out of reach of a sweep on a CPU),
    /// ζ ∈ {0.3, 1, 3}; a best ζ at an edge of the grid is followed outwards (×3 or ÷3, at most
    /// twice) while that helps.
    func sweepDPS(_ family: RecommendedSettings.TaskFamily) {
        let zetas = [0.3, 1, 3]
        let points = zetas.map { z in score(family, "dps", "zeta", [("steps", "100"), ("zeta", Self.format(z))]) }
        guard var best = points.max(by: { $0.psnr < $1.psnr }), let z = Double(best.value("zeta")) else { return }
        let factor = z == zetas.last ? 3.0 : z == zetas.first ? 1 / 3.0 : 1
        var next = z
        for _ in 0..<2 where factor != 1 {
            next *= factor
            let p = score(family, "dps", "zeta", with(best, "zeta", Self.format(next)))
            guard p.psnr > best.psnr else { break }
            best = p
        }
        record(family, "dps", best)
    }

    /// Every requested method on every family.
    func sweepAll() {
        for family in families {
            print("\(family.rawValue): \(cases[family]?.map { "\($0.task.rawValue) on \($0.photo)" }.joined(separator: ", ") ?? "")")
            for method in options.methods {
                guard cases[family]?.contains(where: { $0.admits(method) }) ?? false else {
                    print("  \(family.rawValue) \(method): no crop of this family admits it (DDRM needs an operator with an SVD)")
                    continue
                }
                switch method {
                case "reddiff" where options.stages == .warm: record(family, "reddiff", warmStart(family, over: currentREDDiff(family)))
                case "reddiff" where options.stages == .schedule: record(family, "reddiff", schedules(family, over: currentREDDiff(family)))
                case "reddiff" where options.stages == .weighting: record(family, "reddiff", weightings(family, over: currentREDDiff(family)))
                case "reddiff" where options.stages == .refine: record(family, "reddiff", refinement(family, over: currentREDDiff(family)))
                case _ where options.stages != .all: continue
                case "reddiff": sweepREDDiff(family)
                case "pigdm": sweepSteps(family, method: "pigdm", grid: ["25", "50", "100"], variants: Tuner.piGDMForms)
                case "ddrm": sweepSteps(family, method: "ddrm", grid: ["10", "20", "50"])
                case "dps": sweepDPS(family)
                default: break
                }
            }
        }
    }

    /// `p`'s options with `key` set to `value` (replaced, or appended when absent).
    func with(_ p: Point, _ key: String, _ value: String) -> [(String, String)] {
        with(p.options, key, value)
    }

    func with(_ options: [(String, String)], _ key: String, _ value: String) -> [(String, String)] {
        options.contains { $0.0 == key } ? options.map { $0.0 == key ? ($0.0, value) : $0 } : options + [(key, value)]
    }

    static func format(_ v: Double) -> String { String(format: "%g", v) }
}
