import TensorCore
import Degradations

/// The bookkeeping every sampler shares: cancellation, divergence checks, trace rows, metrics,
/// the step callback and the last finite estimate.
struct StepDriver {
    let problem: InverseProblem
    let control: SolveControl
    let total: Int
    let ssimEvery: Int
    var trace: Trace
    let start = ContinuousClock.now
    /// The estimate of the last finished step `[n, item…]` (what a stopped solve returns).
    var lastEstimate: Tensor?

    init(problem: InverseProblem, control: SolveControl, total: Int, method: String) {
        self.problem = problem; self.control = control; self.total = total
        ssimEvery = control.ssimEvery > 0 ? control.ssimEvery : Swift.max(1, total / 10)
        trace = Trace(method: method)
        trace.rows.reserveCapacity(total)
    }

    var elapsed: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// True (and the trace marked cancelled) when cancellation was requested.
    mutating func isCancelled() -> Bool {
        guard control.cancellation?.isCancelled == true else { return false }
        trace.stopReason = .cancelled
        return true
    }

    /// Throws `diverged` unless every element of `iterate` is finite and (unless `finiteOnly`)
    /// within the explosion limit.
    func check(_ iterate: Tensor, step: Int, cause: String, finiteOnly: Bool = false) throws {
        let limit = finiteOnly ? Float.greatestFiniteMagnitude : control.explosionLimit
        var nonFinite = false, exploded = false
        iterate.withUnsafeBufferPointer { p in
            for v in p where !(Swift.abs(v) <= limit) {
                if v.isNaN || v.isInfinite { nonFinite = true; break }
                exploded = true
            }
        }
        guard nonFinite || exploded else { return }
        let what = nonFinite ? "the iterate became non-finite" : "the iterate exceeded \(limit) in magnitude"
        throw SamplerError.diverged(step: step, reason: "\(what); likely cause: \(cause)", lastFinite: lastEstimate)
    }

    /// Records a finished step; returns false when the callback asks to stop.
    mutating func record(step: Int, t: Int, estimate: Tensor, dataLoss: Double, regLoss: Double = .nan,
                         lr: Double = .nan) -> Bool {
        lastEstimate = estimate
        var psnr = Double.nan, ssim = Double.nan
        if problem.isImage, let truth = problem.groundTruth {
            psnr = ImageQuality.meanPSNR(estimate, truth: truth)
            if step % ssimEvery == 0 || step == total { ssim = ImageQuality.meanSSIM(estimate, truth: truth) }
        }
        trace.rows.append(.init(step: step, t: t, dataLoss: dataLoss, regLoss: regLoss, lr: lr, psnr: psnr, ssim: ssim))
        guard let onStep = control.onStep else { return true }
        let info = StepInfo(step: step, total: total, t: t, dataLoss: dataLoss, regLoss: regLoss, elapsed: elapsed)
        if onStep(info) == .stop { trace.stopReason = .stopped; return false }
        return true
    }

    /// The solution: `final` when every step ran (the sampler's last iterate), else the last
    /// estimate, else `final` (nothing ran).
    mutating func finish(final: Tensor) -> Solution {
        trace.seconds = elapsed
        let out = trace.stopReason == .completed ? final : (lastEstimate ?? final)
        return Solution(samples: out, trace: trace)
    }
}

extension InverseProblem {
    /// The data loss mean((y − A(x_i))²)/2 averaged over the items of `x` `[n, item…]`, and the
    /// residuals y − A(x_i).
    func residuals(_ x: Tensor) -> (loss: Double, residuals: [Tensor]) {
        let n = x.shape[0]
        var loss = 0.0
        var res = [Tensor]()
        res.reserveCapacity(n)
        for i in 0..<n {
            let r = y - op.apply(x.item(i))
            loss += r.squaredNorm() / Double(Swift.max(r.count, 1)) / 2
            res.append(r)
        }
        return (loss / Double(n), res)
    }

    /// `[n, item…]` copies of one item.
    func replicated(_ item: Tensor, _ n: Int) -> Tensor {
        Tensor.stacked(Array(repeating: item, count: n))
    }
}
