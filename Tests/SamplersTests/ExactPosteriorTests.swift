import Testing
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// Every sampler against the exact GMM posterior of the D = 8 and D = 80 fixtures (`Docs/algorithms.md` §6).
@Suite struct ExactPosteriorTests {
    struct Lab {
        let problem: InverseProblem
        let prior: GaussianMixturePrior
        let reference: Tensor
        let floor: Double, ceiling: Double

        init(dim: Int = 8) throws {
            prior = try GaussianMixturePrior(contentsOf: fixtureDir + "/gmm/gmm-d\(dim)-prior.safetensors")
            let fx = try GMMFixture(dim: dim)
            problem = InverseProblem(prior: prior, op: fx.problem.op, y: fx.problem.y, sigmaY: 0.5, isImage: false)
            reference = fx.posteriorSamples
            let posterior = try prior.posterior(matrix: try fx.file.tensor("A"), observation: fx.problem.y, noiseSigma: 0.5)
            var rng = SeededGenerator(seed: 9)
            floor = try Lab.sw(posterior.sample(n: 200, using: &rng), reference)
            ceiling = try Lab.sw(prior.sample(n: 200, using: &rng), reference)
        }

        static func sw(_ a: Tensor, _ b: Tensor) throws -> Double {
            var rng = SeededGenerator(seed: 7)
            return try SlicedWasserstein.distance(a, b, directions: 100, using: &rng)
        }
    }

    @Test func floorBelowCeiling() throws {
        let lab = try Lab()
        #expect(lab.floor < 1.0)
        #expect(lab.ceiling > 6.0)
    }

    /// RED-diff with the paper's recommended lr (0.5) expressed in the data's units: the GMM's
    /// coordinates spread 19× wider than images in [-1, 1].
    static let redDiffInDataUnits: SamplerMethod = {
        var o = REDDiffOptions(steps: 1000, lr: 0.5); o.lrScale = .data; return .reddiff(o)
    }()

    @Test(arguments: [
        (8, SamplerMethod.reddiff(REDDiffOptions(steps: 1000, lr: 0.5))),
        (8, redDiffInDataUnits),
        (8, .dps(DPSOptions(zeta: 0.5, steps: 200))),
        (8, .pigdm(PiGDMOptions(steps: 100))),
        (8, .pigdm(PiGDMOptions(steps: 100, form: .noisy))),
        (8, .ddrm(DDRMOptions(steps: 20))),
        (80, redDiffInDataUnits),
        (80, .dps(DPSOptions(zeta: 0.5, steps: 1000))),
        (80, .pigdm(PiGDMOptions(steps: 100))),
        (80, .ddrm(DDRMOptions(steps: 100))),
    ])
    func beatsTheCeiling(_ dim: Int, _ method: SamplerMethod) throws {
        let lab = try Lab(dim: dim)
        var rng = SeededGenerator(seed: 8)
        let out = try Sampler.solve(lab.problem, method: method, n: 200, using: &rng)
        let sw = try Lab.sw(out.samples, lab.reference)
        print("\(method.name): SW \(sw) (floor \(lab.floor), ceiling \(lab.ceiling))")
        #expect(sw < lab.ceiling)
        #expect(sw > lab.floor)
    }

    /// The spread behind `lrscale=data`: exact, against the spread of prior draws.
    @Test func dataSpreadOfTheMixture() throws {
        let lab = try Lab(dim: 80)
        var rng = SeededGenerator(seed: 4)
        let x = lab.prior.sample(n: 20000, using: &rng)
        let mean = x.sumDouble() / Double(x.count)
        let variance = x.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(x.count)
        #expect(abs(lab.prior.dataSpread - variance.squareRoot()) < 0.05 * lab.prior.dataSpread)
        var o = REDDiffOptions(lr: 0.5); o.lrScale = .data
        #expect(abs(o.effectiveLR(for: lab.prior) - 0.5 * lab.prior.dataSpread / 0.5) < 1e-9)
        o.lrScale = .absolute
        #expect(o.effectiveLR(for: lab.prior) == 0.5)
    }
}
