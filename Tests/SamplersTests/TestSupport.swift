import Foundation
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// The fixture folder next to this file.
let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

func loadFixture(_ name: String) throws -> SafeTensors { try SafeTensors(contentsOf: fixtureDir + "/" + name) }

/// A GMM prior with identity covariances and exact ε̂ (test-only; the product's prior lives in
/// Diffusion). With C_k = I, S_k = α²I + σ²I = I, so ε̂(x) = σ Σ_k r_k (x − α m_k).
final class TestGMMPrior: DiffusionPrior, @unchecked Sendable {
    let weights: [Double]
    let means: [[Double]]
    let dim: Int
    let schedule = NoiseSchedule.linear()
    var name: String { "test gmm" }
    var dataShape: DataShape { .vector(dim: dim) }

    init(weights: [Double], means: [[Double]]) {
        let s = weights.reduce(0, +)
        self.weights = weights.map { $0 / s }; self.means = means; dim = means[0].count
    }

    convenience init(file: SafeTensors) throws {
        let w = try file.tensor("weights"), m = try file.tensor("means")
        let k = w.count, d = m.shape[1]
        self.init(weights: w.scalars.map(Double.init),
                  means: (0..<k).map { i in (0..<d).map { Double(m.scalars[i * d + $0]) } })
    }

    /// Responsibilities and offsets d_k = x − α m_k of one point.
    func parts(_ x: [Double], t: Int) -> (r: [Double], d: [[Double]]) {
        let a = schedule.alpha(t)
        let d = means.map { m in zip(x, m).map { $0 - a * $1 } }
        let logits = zip(weights, d).map { w, dk in Foundation.log(w) - dk.reduce(0) { $0 + $1 * $1 } / 2 }
        let mx = logits.max() ?? 0
        var r = logits.map { Foundation.exp($0 - mx) }
        let s = r.reduce(0, +); r = r.map { $0 / s }
        return (r, d)
    }

    func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let n = xt.shape[0], sig = schedule.sigma(t)
        var out = [Float](repeating: 0, count: n * dim)
        for i in 0..<n {
            let x = (0..<dim).map { Double(xt.scalars[i * dim + $0]) }
            let (r, d) = parts(x, t: t)
            for j in 0..<dim { out[i * dim + j] = Float(sig * zip(r, d).reduce(0) { $0 + $1.0 * $1.1[j] }) }
        }
        return Tensor(shape: xt.shape, scalars: out)
    }

    /// x̂0 = (x − σ ε̂)/α; J_ε = σ[I − Σ r_k d_k d_kᵀ + d̄ d̄ᵀ] (symmetric), so the VJP is (v − σ J_ε v)/α.
    func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        let n = xt.shape[0], sig = schedule.sigma(t), a = schedule.alpha(t)
        let eps = epsilon(xt, t: t, using: &rng)
        var vjp = [Float](repeating: 0, count: n * dim)
        for i in 0..<n {
            let x = (0..<dim).map { Double(xt.scalars[i * dim + $0]) }
            let vi = (0..<dim).map { Double(v.scalars[i * dim + $0]) }
            let (r, d) = parts(x, t: t)
            let dbar = (0..<dim).map { j in zip(r, d).reduce(0) { $0 + $1.0 * $1.1[j] } }
            let dbv = zip(dbar, vi).reduce(0) { $0 + $1.0 * $1.1 }
            var jv = vi.enumerated().map { j, vj in vj + dbar[j] * dbv }
            for k in 0..<r.count {
                let dv = zip(d[k], vi).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<dim { jv[j] -= r[k] * d[k][j] * dv }
            }
            for j in 0..<dim { vjp[i * dim + j] = Float((vi[j] - sig * sig * jv[j]) / a) }
        }
        return (schedule.x0(fromEpsilon: eps, xt: xt, t: t), Tensor(shape: xt.shape, scalars: vjp))
    }

    /// `n` draws from the prior `[n, D]`.
    func sample(_ n: Int, using rng: inout SeededGenerator) -> Tensor {
        var out = [Float]()
        for _ in 0..<n {
            let u = Double(Random.uniform(using: &rng))
            var acc = 0.0, k = weights.count - 1
            for (i, w) in weights.enumerated() { acc += w; if u < acc { k = i; break } }
            let z = Random.normal([dim], using: &rng)
            out += (0..<dim).map { Float(means[k][$0]) + z.scalars[$0] }
        }
        return Tensor(shape: [n, dim], scalars: out)
    }
}

/// The D-dimensional fixture problem with the test prior.
struct GMMFixture {
    let prior: TestGMMPrior
    let problem: InverseProblem
    let posteriorSamples: Tensor
    let file: SafeTensors

    init(dim: Int) throws {
        prior = try TestGMMPrior(file: loadFixture("gmm/gmm-d\(dim)-prior.safetensors"))
        file = try loadFixture("gmm/gmm-d\(dim)-problem.safetensors")
        let op = try MatrixOperator(try file.tensor("A", shape: [2, dim]))
        problem = InverseProblem(prior: prior, op: op, y: try file.tensor("y", shape: [2]), sigmaY: 0.5,
                                 groundTruth: try file.tensor("x0", shape: [dim]), isImage: false)
        posteriorSamples = try file.tensor("posterior_samples", shape: [2000, dim])
    }
}
