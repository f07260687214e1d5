import Testing
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// A nonlinear operator without SVD (y = clip(2x, −1, 1) on vectors).
struct ClipOperator: ForwardOperator {
    let dim: Int
    var name: String { "clip" }
    var inputShape: [Int] { [dim] }
    var outputShape: [Int] { [dim] }
    var isLinear: Bool { false }
    func apply(_ x: Tensor) -> Tensor { x.map { min(max(2 * $0, -1), 1) } }
    func vjp(at x: Tensor, _ v: Tensor) -> Tensor { Tensor(shape: v.shape, scalars: zip(x.scalars, v.scalars).map { abs(2 * $0) < 1 ? 2 * $1 : 0 }) }
    func pseudoInverse(_ y: Tensor) -> Tensor { y * 0.5 }
}

@Suite struct SamplerBehaviourTests {
    static let methods: [SamplerMethod] = [
        .reddiff(REDDiffOptions(steps: 20, lr: 0.1)), .dps(DPSOptions(zeta: 0.5, steps: 20)),
        .pigdm(PiGDMOptions(steps: 20)), .ddrm(DDRMOptions(steps: 10)), .ddim(DDIMOptions(steps: 10, eta: 1)), .pinv,
    ]

    @Test(arguments: 0..<6)
    func solutionDependsOnlyOnItsSeed(_ m: Int) throws {
        let fx = try GMMFixture(dim: 8)
        var r1 = SeededGenerator(seed: 5), r3 = SeededGenerator(seed: 5)
        let one = try Sampler.solve(fx.problem, method: Self.methods[m], n: 1, using: &r1)
        let three = try Sampler.solve(fx.problem, method: Self.methods[m], n: 3, using: &r3)
        #expect(three.samples.shape == [3, 8])
        #expect(one.item(0) == three.item(0))
        #expect(three.samples.isFinite)
        if Self.methods[m] != .pinv { #expect(three.item(1) != three.item(2)) }
        // The generator advanced: a second call differs.
        let again = try Sampler.solve(fx.problem, method: Self.methods[m], n: 1, using: &r1)
        if Self.methods[m] != .pinv { #expect(again.item(0) != one.item(0)) }
    }

    @Test func cancellationStopsAtTheNextStep() throws {
        let fx = try GMMFixture(dim: 8)
        let flag = CancellationFlag()
        let control = SolveControl(onStep: { info in
            if info.step == 5 { flag.cancel() }
            return .proceed
        }, cancellation: flag)
        var rng = SeededGenerator(seed: 2)
        let out = try Sampler.solve(fx.problem, method: .reddiff(REDDiffOptions(steps: 50, lr: 0.1)), n: 2, using: &rng, control: control)
        #expect(out.trace.stopReason == .cancelled)
        #expect(out.trace.rows.count == 5)
        #expect(out.samples.shape == [2, 8] && out.samples.isFinite)
        flag.reset()
        #expect(!flag.isCancelled)
    }

    @Test func callbackCanStopAndSeesProgress() throws {
        let fx = try GMMFixture(dim: 8)
        var seen = [(Int, Int, Int)]()
        let control = SolveControl(onStep: { info in
            seen.append((info.step, info.total, info.t))
            return info.step == 3 ? .stop : .proceed
        })
        var rng = SeededGenerator(seed: 2)
        let out = try Sampler.solve(fx.problem, method: .ddrm(DDRMOptions(steps: 10)), using: &rng, control: control)
        #expect(out.trace.stopReason == .stopped && out.trace.rows.count == 3)
        #expect(seen.map(\.0) == [1, 2, 3] && seen.allSatisfy { $0.1 == 10 })
        #expect(seen.map(\.2) == [900, 800, 700])
    }

    @Test func divergenceNamesStepAndCause() throws {
        let fx = try GMMFixture(dim: 8)
        var rng = SeededGenerator(seed: 2)
        let options = REDDiffOptions(steps: 50, lr: 1e6, optimizer: .sgd)
        do {
            _ = try Sampler.solve(fx.problem, method: .reddiff(options), using: &rng)
            Issue.record("expected divergence")
        } catch let SamplerError.diverged(step, reason, last) {
            #expect(step >= 1 && step <= 50)
            #expect(reason.contains("lr 1000000.0 too large"))
            let last = try #require(last)
            #expect(last.isFinite && last.shape == [1, 8])
            #expect("\(SamplerError.diverged(step: step, reason: reason, lastFinite: last))".contains("step \(step)"))
        }
    }

    @Test func ddrmNeedsAnSVD() throws {
        let prior = try GaussianMixturePrior.grid(dim: 8)
        let problem = InverseProblem(prior: prior, op: ClipOperator(dim: 8), y: .zeros([8]), sigmaY: 0.1, isImage: false)
        var rng = SeededGenerator(seed: 1)
        #expect {
            try Sampler.solve(problem, method: .ddrm(DDRMOptions()), using: &rng)
        } throws: { error in
            "\(error)".contains("'clip' has none")
        }
        // The nonlinear operator works with RED-diff and DPS.
        let red = try Sampler.solve(problem, method: .reddiff(REDDiffOptions(steps: 10)), using: &rng)
        let dps = try Sampler.solve(problem, method: .dps(DPSOptions(steps: 10)), using: &rng)
        #expect(red.samples.isFinite && dps.samples.isFinite)
    }

    @Test func invalidInputIsRejected() throws {
        let fx = try GMMFixture(dim: 8)
        var rng = SeededGenerator(seed: 1)
        #expect(throws: SamplerError.self) { try Sampler.solve(fx.problem, method: .reddiff(REDDiffOptions(steps: 0)), using: &rng) }
        #expect(throws: SamplerError.self) { try Sampler.solve(fx.problem, method: .reddiff(REDDiffOptions(lr: -1)), using: &rng) }
        #expect(throws: SamplerError.self) { try Sampler.solve(fx.problem, method: .ddrm(DDRMOptions(eta: 2)), using: &rng) }
        #expect(throws: SamplerError.self) { try Sampler.solve(fx.problem, method: .pinv, n: 0, using: &rng) }
        var bad = fx.problem
        bad.y = .zeros([3])
        #expect(throws: SamplerError.self) { try Sampler.solve(bad, method: .pinv, using: &rng) }
    }

    @Test func traceExportsCSV() throws {
        let fx = try GMMFixture(dim: 8)
        var rng = SeededGenerator(seed: 4)
        let out = try Sampler.solve(fx.problem, method: .reddiff(REDDiffOptions(steps: 10, lr: 0.1)), n: 4, using: &rng)
        let lines = out.trace.csv().split(separator: "\n")
        #expect(lines.count == 11 && lines[0] == "step,t,data_loss,reg_loss,lr,psnr,ssim")
        #expect(lines[1].hasPrefix("1,900,") && lines[1].hasSuffix(",0.1,,"))
        #expect(out.trace.rows.allSatisfy { $0.dataLoss.isFinite && $0.regLoss.isFinite })
        // Upstream semantics: the pinv start fits y, so the first data loss is ~0.
        #expect(out.trace.rows[0].dataLoss < 1e-8)
    }

    @Test func pinvIsDataConsistent() throws {
        let fx = try GMMFixture(dim: 80)
        var rng = SeededGenerator(seed: 1)
        let out = try Sampler.solve(fx.problem, method: .pinv, n: 2, using: &rng)
        #expect((fx.problem.op.apply(out.item(1)) - fx.problem.y).maxAbs() < 1e-4)
    }

    @Test func observationWeightAuto() {
        let w = REDDiffOptions.ObservationWeight.auto(reference: 0.1)
        #expect(abs(w.value(sigmaY: 0.1) - 1) < 1e-12)
        #expect(abs(w.value(sigmaY: 0.2) - 0.25) < 1e-12)
        #expect(w.value(sigmaY: 0) == REDDiffOptions.ObservationWeight.cap)
        #expect(REDDiffOptions.Weighting.trunc(3) == 1 && REDDiffOptions.Weighting.square(3) == 9)
    }
}
