import Foundation
import ScriptLang
import TensorCore
import Degradations
import Diffusion
import Samplers

extension Session {
    /// `solve METHOD options… [as NAME]`.
    func cmdSolve(_ given: Arguments) throws {
        try given.atMost(1)
        let methodName = given.variant ?? REDDiffOptions.name
        guard let solver = CommandTable.solver(methodName) else { throw given.error(.missingVariant(command: "solve", expected: CommandTable.solvers.map(\.name))) }
        var a = withRecommendedSettings(given, method: methodName)
        a.optionVariant = methodName
        let prior = state.prior
        if prior == nil, solver.problem != .inverseWithoutPrior {
            throw failure(a, "no prior yet: 'prior natural' (or 'prior gmm grid dim=8', or a prior file) first")
        }
        // the defaults are the command table's; a method without steps (pinv) takes one
        let steps = a.spec?.option("steps", for: methodName) == nil ? 1 : try a.integer("steps", max: prior?.schedule.count ?? 1000)
        let n = try a.integer("n")
        let keep = try a.choice("keep", as: SolutionSelection.self)
        let stopAt = a.has("stop") ? try a.integer("stop", max: steps) : nil
        let method = try solver.make(a, steps)

        // the problem: x's shape (or the prior's, for an unconditional sample), A, y, σ_y
        let x = state.x
        if let x, x.isBatch { throw failure(a, "x holds \(x.tensor.shape[0]) items; load or sample one") }
        let problem: InverseProblem
        if solver.problem == .unconditional {
            let shape: [Int]
            if state.observedFrom != nil { shape = try problemShape(a) } else if let x { shape = x.itemShape } else if case let .vector(d)? = prior?.dataShape { shape = [d] } else {
                throw failure(a, "no image yet: load one first, so the sample has its size")
            }
            problem = InverseProblem(prior: prior, op: Identity(shape: shape), y: Tensor.zeros(shape), sigmaY: 1,
                                     groundTruth: x?.tensor, isImage: state.isImageData)
        } else {
            let shape = try problemShape(a)
            // any image size and a gray image with an RGB prior: the prior is adapted to the item
            let adapted = try prior.map { p in try attempt(a) { try ShapeAdaptedPrior.adapting(p, to: shape) } }
            let y = try measuredY(a)
            let op = try buildOperator(a, shape: shape)
            problem = InverseProblem(prior: adapted, op: op, y: y.tensor, sigmaY: modelNoise, groundTruth: x?.tensor, isImage: state.isImageData)
        }
        try checkMemory(problem, method: method, n: n, a)
        var rng = state.nextGenerator()
        let name = a.name?.0 ?? methodName
        if let (nm, r) = a.name { try checkName(nm, r, a) }
        var bar = ProgressBar(label: name, enabled: terminal.isTerminal && state.progress, width: terminal.width, write: progress,
                              report: state.progress ? progressReport : nil)
        let control = SolveControl(onStep: { info in
            bar.update(step: info.step, total: info.total, loss: info.dataLoss, elapsed: info.elapsed)
            if let stopAt, info.step >= stopAt { return .stop }
            return .proceed
        }, cancellation: stopAt == 0 ? CancellationFlag.cancelled : cancellation)
        let solution: Solution
        resetRemoteFailure()
        do {
            solution = try Sampler.solve(problem, method: method, n: n, using: &rng, control: control)
            bar.finish()
        } catch let SamplerError.diverged(step, _, last) where remoteFailure != nil {
            bar.finish()
            throw remoteSolveFailure(a, step: step, steps: steps, last: last, name: name, n: n, isImage: problem.isImage)
        } catch let SamplerError.diverged(step, reason, _) {
            bar.finish()
            throw failure(a, "the solve diverged at step \(step): \(reason); nothing was kept (try a smaller lr or fewer steps)")
        } catch {
            bar.finish()
            throw failure(a, "\(error)")
        }
        let kept = keep.kept(solution, problem: problem)
        if kept.count < n { status("kept solution \(kept.map { String($0 + 1) }.joined(separator: ", ")) of \(n), the best fit to y") }
        let samples = kept.count == n ? solution.samples : Tensor.stacked(kept.map(solution.item))
        store(samples, name: name, n: kept.count, a: a, origin: sourceText(a), seconds: solution.trace.seconds, isImage: problem.isImage)
        state.traces[name] = solution.trace
        if solution.trace.stopReason == .cancelled, stopAt != 0 {
            let taken = solution.trace.rows.count
            status("interrupted at step \(taken)/\(steps); kept the last iterate as '\(name)'")
            cancellation.reset()
            // `save session` records the solve with the steps it took, so a replay stops there too
            recordedStop = taken
            throw InterruptRequest()
        }
    }

    /// Refuses a solve whose estimated peak memory exceeds what the system has available, before
    /// it starts (instead of being killed by the system halfway).
    func checkMemory(_ problem: InverseProblem, method: SamplerMethod, n: Int, _ a: Arguments) throws {
        guard let need = Sampler.estimatedPeakBytes(problem, method: method, n: n), let available = SystemMemory.available, need > available / 10 * 8 else { return }
        func gib(_ b: Int) -> String { String(format: "%.1f GiB", Double(b) / Double(1 << 30)) }
        throw failure(a, "this solve would need about \(gib(need)) of memory, more than 80 % of the \(gib(available)) available; "
            + "use a smaller image (crop, or size= when loading), fewer solutions (n=), or RED-diff instead of DPS/ΠGDM (no network backward pass)")
    }

    /// The solve's arguments with the prior's recommended settings filled in for every option the
    /// statement leaves out (explicit options win). A recommended `tmax` (a time grid that starts
    /// below T) bounds the step count, so it is left out when the statement asks for more steps
    /// than it allows: the explicit `steps` wins, on the full grid.
    func withRecommendedSettings(_ a: Arguments, method: String) -> Arguments {
        guard let settings = state.priorSettings, let spec = a.spec else { return a }
        var out = a
        let known = Set(spec.options(for: method).map(\.name))
        var explicitSteps: Double?
        if case .number(let n)? = a.options["steps"]?.0 { explicitSteps = n }
        for (key, text) in settings.options(method: method, family: state.taskFamily) where known.contains(key) && a.options[key] == nil {
            if key == "tmax", let steps = explicitSteps, let tMax = Double(text), steps > tMax { continue }
            out.options[key] = (Double(text).map(Value.number) ?? .text(text, quoted: false), a.range)
        }
        return out
    }

    /// The values a solve with `method` would use, each with where it comes from (for `help solve` and `show`).
    func settingsInForce(method: String) -> [(option: String, value: String, source: String)] {
        guard let spec = CommandTable.spec("solve") else { return [] }
        let recommended = state.priorSettings?.options(method: method, family: state.taskFamily) ?? [:]
        return spec.options(for: method).filter { $0.defaultValue != .none || recommended[$0.name] != nil }.map { o in
            if let v = recommended[o.name] { return (o.name, v, "prior") }
            return (o.name, o.defaultValue.text, "default")
        }
    }

    func store(_ samples: Tensor, name: String, n: Int, a: Arguments, origin: String, seconds: Double?, isImage: Bool) {
        let d = n == 1 ? Datum(tensor: samples.item(0), isImage: isImage, origin: origin, seconds: seconds)
            : Datum(tensor: samples, isImage: isImage, isBatch: true, origin: origin, seconds: seconds)
        state.store(name, d)
        state.lastSolve = name
    }

    /// `compare A B [to "c.csv"]`: sliced Wasserstein distance and mean error of two sample sets.
    func cmdCompare(_ a: Arguments) throws {
        try a.atMost(2)
        let na = try a.positionalText(0, "the first sample set"), nb = try a.positionalText(1, "the second sample set")
        let (da, _) = try value(na, a, at: a.positionals[0].range)
        let (db, _) = try value(nb, a, at: a.positionals[1].range)
        func flat(_ d: Datum) -> Tensor {
            let k = d.isBatch ? d.tensor.shape[0] : 1
            return d.tensor.reshaped([k, d.tensor.count / Swift.max(k, 1)])
        }
        var rng = state.nextGenerator()
        let c = try attempt(a) { try SlicedWasserstein.compare(flat(da), flat(db), directions: 200, using: &rng) }
        let line = String(format: "%@ vs %@: sliced Wasserstein %.4f, mean error %.4f", na, nb, c.slicedWasserstein, c.meanError)
        if let display {
            display(.table(Table(title: "compare", columns: ["a", "b", "sliced Wasserstein", "mean error"],
                                 rows: [[na, nb, String(format: "%.4f", c.slicedWasserstein), String(format: "%.4f", c.meanError)]], text: line)))
        } else {
            output(line)
        }
        if let path = try a.text("to") {
            let csv = "a,b,sliced_wasserstein,mean_error\n\(na),\(nb),\(c.slicedWasserstein),\(c.meanError)\n"
            try attempt(a, at: a.options["to"]?.range, kind: .output) { try AtomicFile.write(Data(csv.utf8), to: path) }
        }
    }
}
