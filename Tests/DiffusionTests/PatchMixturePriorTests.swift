import Foundation
import Testing
import TensorCore
@testable import Diffusion

/// A random patch mixture with full covariances of scale `scale`.
func randomPatchGMM(k: Int, side: Int, seed: UInt64, scale: Float = 0.05) throws -> PatchGMM {
    let p = side * side
    var rng = SeededGenerator(seed: seed)
    var cov: [Float] = []
    for _ in 0..<k {
        let b = Random.normal([p, p], using: &rng)
        var c = Linalg.matmul(b, b, transposeB: true) * (scale / Float(p))
        for i in 0..<p { c.scalars[i * p + i] += 0.01 * scale }
        cov += c.scalars
    }
    return try PatchGMM(side: side, weights: Random.uniform([k], in: 0.2...1, using: &rng),
                        means: Random.normal([k, p], using: &rng) * 0.3, covariances: Tensor(shape: [k, p, p], scalars: cov))
}

struct PatchMixturePriorTests {
    /// The patch denoiser is the exact GMM posterior mean with α = 1: compare with
    /// `GaussianMixturePrior` at x = α_t y, s = σ_t/α_t (values and VJPs).
    @Test(arguments: [30, 300, 800])
    func patchDenoiserMatchesExactMixture(t: Int) throws {
        let patch = try randomPatchGMM(k: 3, side: 2, seed: 1, scale: 1)
        let exact = try GaussianMixturePrior(weights: patch.weights, means: patch.means, covariances: patch.covariances)
        let a = Float(exact.schedule.alpha(t)), s = Float(exact.schedule.inverseSNR(t))
        var rng = SeededGenerator(seed: 2)
        let y = Random.normal([5, 4], using: &rng), v = Random.normal([5, 4], using: &rng)
        var est = y.scalars, vjp = v.scalars
        est.withUnsafeMutableBufferPointer { e in vjp.withUnsafeMutableBufferPointer { g in
            _ = patch.denoise(e.baseAddress!, count: 5, noise: s, cotangent: g.baseAddress!)
        } }
        let ref = exact.x0WithVJP(y * a, t: t, cotangent: v, using: &rng)
        for i in 0..<20 {
            #expect(abs(est[i] - ref.x0.scalars[i]) < 1e-4 * max(1, abs(ref.x0.scalars[i])))
            #expect(abs(vjp[i] - a * ref.vjp.scalars[i]) < 2e-4 * max(1, abs(a * ref.vjp.scalars[i])))
        }
    }

    /// With a near-flat prior the denoiser is the identity, so x̂0 = x_t/α_t exactly reproduces
    /// the input: checks grid coverage, mirroring, aggregation weights and the colour transform.
    @Test(arguments: [[3, 16, 16], [3, 13, 7], [1, 9, 10], [3, 1, 1], [1, 5, 3]])
    func flatPriorIsIdentity(shape: [Int]) throws {
        let side = 4, p = 16
        var cov = [Float](repeating: 0, count: p * p)
        for i in 0..<p { cov[i * p + i] = 1e6 }
        let flat = try PatchGMM(side: side, weights: .ones([1]), means: .zeros([1, p]), covariances: Tensor(shape: [1, p, p], scalars: cov))
        let prior = try PatchMixturePrior(luma: flat, chroma: flat, stride: 2)
        var rng = SeededGenerator(seed: 4)
        let xt = Random.normal([2] + shape, using: &rng)
        let x0 = prior.x0(xt, t: 0, using: &rng)
        let expected = xt * Float(1 / prior.schedule.alpha(0))
        #expect((x0 - expected).maxAbs() < 1e-4)
    }

    /// The VJP of x̂0 against directional central differences (same seed: same grid shift).
    @Test(arguments: [(3, 200), (1, 200), (3, 700), (3, 20)])
    func vjpMatchesFiniteDifferences(channels: Int, t: Int) throws {
        let prior = try PatchMixturePrior(luma: randomPatchGMM(k: 3, side: 4, seed: 5), chroma: randomPatchGMM(k: 2, side: 4, seed: 6),
                                          stride: 2)
        var rng = SeededGenerator(seed: 7)
        let a = Float(prior.schedule.alpha(t))
        let x = Random.normal([1, channels, 9, 11], using: &rng) * 0.3 * a
        let v = Random.normal([1, channels, 9, 11], using: &rng)
        var g = SeededGenerator(seed: 99)
        let (_, vjp) = prior.x0WithVJP(x, t: t, cotangent: v, using: &g)
        for dir in 0..<3 {
            let u = Random.normal(x.shape, using: &rng)
            let h = 1e-3 * a
            var g1 = SeededGenerator(seed: 99), g2 = SeededGenerator(seed: 99)
            let fp = prior.x0(x + u * h, t: t, using: &g1), fm = prior.x0(x - u * h, t: t, using: &g2)
            let fd = ((fp - fm) * v).sumDouble() / (2 * Double(h))
            let got = vjp.dot(u)
            #expect(abs(got - fd) < 2e-2 * max(1, abs(fd)), "direction \(dir): \(got) vs \(fd)")
        }
    }

    @Test func epsilonIsTweedieAndSeeded() throws {
        let prior = try PatchMixturePrior(luma: randomPatchGMM(k: 4, side: 4, seed: 8), chroma: randomPatchGMM(k: 2, side: 4, seed: 9), stride: 2)
        var rng = SeededGenerator(seed: 10)
        let xt = Random.normal([2, 3, 12, 12], using: &rng)
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3), g3 = SeededGenerator(seed: 3)
        let eps = prior.epsilon(xt, t: 400, using: &g1)
        #expect(eps == prior.epsilon(xt, t: 400, using: &g2))
        let x0 = prior.x0WithVJP(xt, t: 400, cotangent: xt, using: &g3).x0
        let back = prior.schedule.epsilon(fromX0: x0, xt: xt, t: 400)
        #expect((eps - back).maxAbs() < 1e-4)
        #expect(eps.isFinite)
    }

    @Test func fileRoundTripAndDispatch() throws {
        let prior = try PatchMixturePrior(luma: randomPatchGMM(k: 3, side: 4, seed: 11), chroma: randomPatchGMM(k: 2, side: 4, seed: 12), stride: 2)
        let path = NSTemporaryDirectory() + "red-patch-\(ProcessInfo.processInfo.processIdentifier).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try prior.write(to: path)
        let back = try #require(try Priors.load(path: path) as? PatchMixturePrior)
        #expect(back.stride == 2 && back.side == 4 && back.luma.means == prior.luma.means && back.chroma?.covariances == prior.chroma?.covariances)
        var file = try SafeTensors(contentsOf: path)
        file.tensors["chroma.means"] = .zeros([2, 15])
        try file.write(to: path)
        #expect(throws: PriorError.tensor(path: path, name: "chroma.means", expected: "[2, 16]", found: "[2, 15]")) { try Priors.load(path: path) }
    }

    /// EM never decreases the log-likelihood and recovers well separated components.
    @Test func emTrainsMonotonically() throws {
        let truth = try randomPatchGMM(k: 2, side: 2, seed: 13, scale: 0.01)
        let exact = try GaussianMixturePrior(weights: truth.weights, means: truth.means * 10, covariances: truth.covariances)
        var rng = SeededGenerator(seed: 14)
        let data = exact.sample(n: 4000, using: &rng)
        var lls: [Double] = []
        let model = try PatchGMMTrainer(components: 2, side: 2, iterations: 8, seed: 1).fit(data) { lls.append($0.logLikelihood) }
        #expect(lls.count == 8)
        for i in 1..<lls.count { #expect(lls[i] >= lls[i - 1] - 1e-3, "iteration \(i): \(lls[i]) < \(lls[i - 1])") }
        let m = model.means.scalars, ref = exact.means.scalars
        let direct = zip(m, ref).map { abs($0 - $1) }.max() ?? 1
        let swapped = zip(m, Array(ref[4...] + ref[..<4])).map { abs($0 - $1) }.max() ?? 1
        #expect(min(direct, swapped) < 0.05)
    }
}
