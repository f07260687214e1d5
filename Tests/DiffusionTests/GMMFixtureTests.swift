import Foundation
import Testing
import TensorCore
@testable import Diffusion

/// The reference fixtures of `fixtures/gmm/` (copied into Fixtures/gmm).
enum GMMFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gmm").path
    static func prior(_ d: Int) -> String { "\(folder)/gmm-d\(d)-prior.safetensors" }
    static func problem(_ d: Int) throws -> SafeTensors { try SafeTensors(contentsOf: "\(folder)/gmm-d\(d)-problem.safetensors") }
}

struct GMMFixtureTests {
    @Test(arguments: [8, 80])
    func gridMatchesFixturePrior(d: Int) throws {
        let file = try SafeTensors(contentsOf: GMMFixtures.prior(d))
        let grid = try GaussianMixturePrior.grid(dim: d)
        #expect(grid.weights.scalars.count == 25)
        for k in 0..<25 { #expect(abs(grid.weights.scalars[k] - file.tensors["weights"]!.scalars[k]) < 1e-7) }
        #expect(GaussianMixturePrior.gridWeights == file.tensors["weights"]!.scalars)
        #expect(grid.means == file.tensors["means"]!)
        #expect(grid.covariances == file.tensors["covariances"]!)
        #expect(grid.weights.scalars.firstIndex(of: grid.weights.max()) == 12)
    }

    @Test(arguments: [8, 80])
    func epsilonProbes(d: Int) throws {
        let prior = try GaussianMixturePrior(contentsOf: GMMFixtures.prior(d))
        let p = try GMMFixtures.problem(d)
        let ts = p.tensors["eps_probe_t"]!.scalars.map { Int($0) }, xs = p.tensors["eps_probe_x"]!, ref = p.tensors["eps_probe_out"]!
        var rng = SeededGenerator(seed: 0)
        for (i, t) in ts.enumerated() {
            let eps = prior.epsilon(xs.item(i).reshaped([1, d]), t: t, using: &rng).reshaped([d])
            let r = ref.item(i)
            let rel = (eps - r).norm() / r.norm()
            #expect(rel < 1e-4, "probe \(i) t=\(t): relative error \(rel)")
        }
        // The whole batch at one time agrees with item-wise evaluation.
        let batch = prior.epsilon(xs, t: 500, using: &rng)
        for i in 0..<ts.count {
            let one = prior.epsilon(xs.item(i).reshaped([1, d]), t: 500, using: &rng).reshaped([d])
            #expect((batch.item(i) - one).maxAbs() <= 1e-5 * max(1, one.maxAbs()))
        }
    }

    @Test(arguments: [8, 80])
    func exactPosterior(d: Int) throws {
        let prior = try GaussianMixturePrior(contentsOf: GMMFixtures.prior(d))
        let p = try GMMFixtures.problem(d)
        let post = try prior.posterior(matrix: p.tensors["A"]!, observation: p.tensors["y"]!, noiseSigma: Double(p.tensors["sigma_y"]!.scalars[0]))
        let w = p.tensors["posterior_weights"]!, lw = p.tensors["posterior_log_weights"]!
        for k in 0..<25 {
            #expect(abs(post.weights.scalars[k] - w.scalars[k]) < 1e-4)
            if w.scalars[k] > 1e-8 { #expect(abs(post.logWeights[k] - Double(lw.scalars[k])) < 1e-4) }
        }
        let m = p.tensors["posterior_means"]!, c = p.tensors["posterior_covariances"]!
        for (a, b) in zip(post.means.scalars, m.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        for (a, b) in zip(post.covariances.scalars, c.scalars) { #expect(abs(a - b) <= 1e-4) }
    }

    @Test func posteriorSamplesMatchMoments() throws {
        let prior = try GaussianMixturePrior(contentsOf: GMMFixtures.prior(8))
        let p = try GMMFixtures.problem(8)
        let post = try prior.posterior(matrix: p.tensors["A"]!, observation: p.tensors["y"]!, noiseSigma: 0.5)
        var rng = SeededGenerator(seed: 11)
        let n = 20000
        let s = post.sample(n: n, using: &rng)
        let ref = p.tensors["posterior_samples"]!
        // Mean of the mixture vs the sample mean of our draws and of the fixture's draws.
        for j in 0..<8 {
            var exact = 0.0
            for k in 0..<25 { exact += Double(post.weights.scalars[k]) * Double(post.means.scalars[k * 8 + j]) }
            let ours = (0..<n).reduce(0.0) { $0 + Double(s.scalars[$1 * 8 + j]) } / Double(n)
            let theirs = (0..<2000).reduce(0.0) { $0 + Double(ref.scalars[$1 * 8 + j]) } / 2000
            #expect(abs(ours - exact) < 0.25, "coordinate \(j): \(ours) vs \(exact)")
            #expect(abs(theirs - exact) < 0.6, "fixture coordinate \(j): \(theirs) vs \(exact)")
        }
    }
}
