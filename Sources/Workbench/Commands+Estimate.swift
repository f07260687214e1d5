import Foundation
import ScriptLang
import TensorCore
import Degradations

extension Session {
    /// The observed image y in [0, 1] pixel units, for the estimators that read it alone.
    func observedPicture(_ a: Arguments, for what: String) throws -> Tensor {
        guard let y = state.y, state.observedFrom != nil || !state.yStale else {
            throw failure(a, "'\(what)' reads y: 'observe' a photo (or 'measure') first")
        }
        guard y.isImage, y.tensor.rank == 3 else { throw failure(a, "'\(what)' needs an image y, but y is \(y.summary)") }
        return (y.tensor + 1) * 0.5
    }

    /// `noise auto`: the noise level of y by the weak-texture patch estimator ([0, 1] units), printed.
    func estimatedNoise(_ a: Arguments) throws -> Double {
        let picture = try observedPicture(a, for: "noise auto")
        let sigma = try attempt(a) { try NoiseEstimator.estimate(picture) }
        output("noise auto: σ_y ≈ \(String(format: "%.4f", sigma)) (estimated from y, [0, 1] units)")
        return sigma
    }

    /// `fit blur motion [max=PIXELS]`: A := the straight motion blur that best explains y
    /// (maximum marginal likelihood over length and angle), printed.
    func cmdFit(_ a: Arguments) throws {
        try a.atMost(2)
        guard try a.positionalText(0, "what to fit") == "blur" else {
            throw a.error(.badChoice("fit", value: (try? a.positionalText(0, "")) ?? "", choices: ["blur"], suggestion: nil), a.positionals[0].range)
        }
        let kind = a.positionals.count > 1 ? try a.positionalText(1, "a blur kind") : ""
        guard kind == "motion" else {
            throw a.error(.badChoice("fit blur", value: kind, choices: ["motion"], suggestion: EditDistance.suggestion(for: kind, among: ["motion"])),
                          a.positionals.count > 1 ? a.positionals[1].range : a.range)
        }
        let picture = try observedPicture(a, for: "fit blur motion")
        // by default the longest length up to 41 px that the image leaves room for
        let (_, h, w) = picture.imageGeometry
        let fitting = (3...41).last { MotionBlurFit.fits($0, height: h, width: w) } ?? 3
        let longest = try a.integer("max", default: fitting)
        var bar = ProgressBar(label: "fit", enabled: terminal.isTerminal && state.progress, width: terminal.width, write: progress)
        let start = Date()
        let fit = try attempt(a) {
            try MotionBlurFit.estimate(picture, lengths: 3...longest, noise: state.noise > 0 ? state.noise : nil) { fraction in
                bar.update(step: Int(fraction * 100), total: 100, loss: .nan, elapsed: Date().timeIntervalSince(start))
            }
        }
        bar.finish()
        let angle = (fit.angle * 10).rounded() / 10
        let text = "blur motion length=\(fit.length) angle=\(Value.format(angle))"
        state.chain = [DegradationStep(kind: BlurDegradation.motion(length: fit.length, angle: angle), text: text)]
        state.invalidateMeasurement()
        try revalidateChain(a)
        let confidence = fit.margin > 0.01 ? "clear fit" : "weak fit: the photo barely decides between this and other kernels"
        output("fit blur motion: length \(fit.length) px, angle \(Value.format(angle))° (\(confidence)); A := \(text)")
    }
}
