import Testing
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// Every sampler against the exact GMM posterior of the D = 8 fixture (algorithms.md §6).
@Suite struct ExactPosteriorTests {
    struct Lab {
        let problem: InverseProblem
        let prior: GaussianMixturePrior
        let reference: Tensor
        let floor: Double, ceiling: Double

        init() throws {
            prior = try GaussianMixturePrior(contentsOf: fixtureDir + "/gmm/gmm-d8-prior.safetensors")
            let fx = try GMMFixture(dim: 8)
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

    @Test(arguments: [
        SamplerMethod.reddiff(REDDiffOptions(steps: 1000, lr: 0.5)),
        .dps(DPSOptions(zeta: 0.5, steps: 200)),
        .pigdm(PiGDMOptions(steps: 100)),
        .ddrm(DDRMOptions(steps: 20)),
    ])
    func beatsTheCeiling(_ method: SamplerMethod) throws {
        let lab = try Lab()
        var rng = SeededGenerator(seed: 8)
        let out = try Sampler.solve(lab.problem, method: method, n: 200, using: &rng)
        let sw = try Lab.sw(out.samples, lab.reference)
        print("\(method.name): SW \(sw) (floor \(lab.floor), ceiling \(lab.ceiling))")
        #expect(sw < lab.ceiling)
        #expect(sw > lab.floor)
    }
}
