import Foundation
import Testing
import TensorCore
import Diffusion
@testable import Denoisers

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/dncnn-camera64.safetensors"
func weights(_ name: String) -> String { root + "/Stdlib/priors/dncnn/\(name).safetensors" }

@Suite struct DnCNNTests {
    /// Parity with an independent NumPy float32 implementation on the same weights.
    @Test(arguments: ["6L", "17M", "17H", "17N"])
    func matchesReference(model: String) throws {
        let file = try SafeTensors(contentsOf: fixture)
        let sigmas: [String: Float] = ["6L": 0.06, "17M": 0.1, "17H": 0.2, "17N": 0.1]
        let net = try DnCNN(contentsOf: weights("dncnn" + model))
        let noisy = try file.tensor("noisy_\(model)").reshaped([1, 64, 64])
        let expected = try file.tensor("out_\(model)").reshaped([1, 64, 64])
        let out = net.denoise(noisy, sigma: sigmas[model] ?? 0)
        #expect((out - expected).maxAbs() < 1e-4)
    }

    @Test func adjointConvolution() {
        var rng = SeededGenerator(seed: 1)
        let conv = CircularConvolution(kernel: Random.normal([3, 3, 2, 5], using: &rng))
        let x = Random.normal([2, 7, 9], using: &rng), y = Random.normal([5, 7, 9], using: &rng)
        let lhs = conv(x).dot(y), rhs = x.dot(conv.adjoint(y))
        #expect(abs(lhs - rhs) <= 1e-5 * Double(x.norm() * y.norm()))
    }

    /// The reverse-mode VJP against central finite differences of ⟨v, D(x)⟩ (the network is
    /// piecewise linear, so a small step crosses few ReLU kinks and the difference is exact).
    @Test(arguments: ["dncnn6L", "dncnn6N"])
    func vjpMatchesFiniteDifferences(model: String) throws {
        let net = try DnCNN(contentsOf: weights(model))
        var rng = SeededGenerator(seed: 2)
        let x = Random.uniform([1, 12, 12], using: &rng)
        let v = Random.normal([1, 12, 12], using: &rng)
        let (_, g) = net.denoiseWithVJP(x, sigma: 0.1, cotangent: v)
        for _ in 0..<6 {
            let d = Random.normal([1, 12, 12], using: &rng)
            let h: Float = 1e-4
            let fp = Double(net.denoise(x + d * h, sigma: 0.1).dot(v))
            let fm = Double(net.denoise(x - d * h, sigma: 0.1).dot(v))
            let fd = (fp - fm) / Double(2 * h)
            let an = g.dot(d)
            #expect(abs(fd - an) <= 2e-2 * max(1, abs(fd)), "fd \(fd) vs vjp \(an)")
        }
    }

    /// The prior's VJP (opponent colour transform, 1/α_t scaling) against finite differences,
    /// averaged over directions; t = 100 makes a missing 1/α_t factor a 5.6 % error.
    @Test func priorVJPMatchesFiniteDifferences() throws {
        let prior = DnCNNPrior(networks: [try DnCNN(contentsOf: weights("dncnn6N"))])
        var rng = SeededGenerator(seed: 3)
        let t = 100
        let xt = Random.uniform([1, 3, 10, 10], in: -0.9...0.9, using: &rng)
        let v = Random.normal([1, 3, 10, 10], using: &rng)
        let (_, g) = prior.x0WithVJP(xt, t: t, cotangent: v, using: &rng)
        var fdSum = 0.0, anSum = 0.0
        for _ in 0..<8 {
            let d = Random.normal([1, 3, 10, 10], using: &rng)
            let h: Float = 3e-4
            let fp = prior.x0(xt + d * h, t: t, using: &rng).dot(v)
            let fm = prior.x0(xt - d * h, t: t, using: &rng).dot(v)
            let fd = (fp - fm) / Double(2 * h), an = g.dot(d)
            fdSum += abs(fd - an); anSum += abs(an)
        }
        #expect(fdSum / anSum < 0.02, "mean relative error \(fdSum / anSum)")
    }

    @Test func opponentTransformIsOrthonormal() {
        let m = DnCNNPrior.opp
        for i in 0..<3 { for j in 0..<3 {
            let s = (0..<3).reduce(Float(0)) { $0 + m[i * 3 + $1] * m[j * 3 + $1] }
            #expect(abs(s - (i == j ? 1 : 0)) < 1e-6)
        } }
    }

    @Test func badFilesAreClearErrors() {
        #expect(throws: DenoiserError.self) { try DnCNN(contentsOf: "/nonexistent/x.safetensors") }
        #expect(throws: DenoiserError.self) { try DnCNN(contentsOf: fixture) }   // not a DnCNN file
    }
}

@Suite struct DnCNNPriorSelectionTests {
    /// Which network answers at which noise level, and with what contrast factor.
    @Test(arguments: [(Float(0.03), "N", Float(1)), (0.06, "L", 1), (0.08, "L", 0.75), (0.1, "M", 1), (0.4, "H", 0.5)])
    func selection(sigma: Float, variant: String, k: Float) throws {
        let nets = try ["17L", "17M", "17H", "17N"].map { try DnCNN(contentsOf: weights("dncnn" + $0)) }
        let prior = DnCNNPrior(networks: nets)
        let (net, factor) = prior.network(for: sigma)
        #expect(net.variant.rawValue == variant)
        #expect(abs(factor - k) < 1e-6)
    }
}
