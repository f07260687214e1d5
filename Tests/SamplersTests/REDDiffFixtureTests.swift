import Testing
import TensorCore
import Degradations
@testable import Samplers

/// Replays the recorded noises of `Fixtures/reddiff/case-*.safetensors` and compares every μ.
@Suite struct REDDiffFixtureTests {
    static let cases: [(String, REDDiffOptions.Weighting, REDDiffOptions.Order)] = [
        ("a", .snr, .desc), ("b", .snr, .desc), ("c", .sqrt, .desc), ("d", .const, .asc),
    ]

    @Test(arguments: 0..<4)
    func reproducesRecordedTrajectory(_ index: Int) throws {
        let (name, weighting, order) = Self.cases[index]
        let fx = try GMMFixture(dim: 8)
        let file = try loadFixture("reddiff/case-\(name).safetensors")
        let steps = Int(file.metadata["steps"] ?? "") ?? 0
        let lr = Double(file.metadata["lr"] ?? "") ?? 0, lambda = Double(file.metadata["lambda"] ?? "") ?? 0
        #expect(file.metadata["weight"] == weighting.rawValue && file.metadata["order"] == order.rawValue)
        let noises = try file.tensor("noises", shape: [steps, 8])
        let mu = try file.tensor("mu", shape: [steps + 1, 8])
        let recordedTimes = try file.tensor("timesteps", shape: [steps]).scalars.map { Int($0) }

        var seen = [Int: Tensor]()
        var times = [Int]()
        var control = SolveControl(onStep: { info in times.append(info.t); return .proceed }, noise: RecordedNoise([noises]))
        control.iterateObserver = { step, iterate in seen[step] = iterate.item(0) }
        let options = REDDiffOptions(steps: steps, lr: lr, lambda: lambda, weighting: weighting, order: order)
        var rng = SeededGenerator(seed: 1)
        let out = try Sampler.solve(fx.problem, method: .reddiff(options), using: &rng, control: control)

        #expect(times == recordedTimes)
        var worst = 0.0
        for k in 1...steps {
            let got = try #require(seen[k])
            let want = mu.item(k)
            for j in 0..<8 {
                let err = Double(abs(got.scalars[j] - want.scalars[j]))
                worst = max(worst, err)
                #expect(err <= 1e-4 + 1e-3 * Double(abs(want.scalars[j])), "case \(name) step \(k) coord \(j)")
            }
        }
        // The output is μ before the final step (x0 of the last iteration).
        let output = try file.tensor("output", shape: [8])
        for j in 0..<8 { #expect(abs(out.item(0).scalars[j] - output.scalars[j]) <= 1e-4 + 1e-3 * abs(output.scalars[j])) }
        #expect(worst < 1e-4)
        #expect(out.trace.rows.count == steps && out.trace.stopReason == .completed)
    }

    @Test func testPriorMatchesFixtureEpsilon() throws {
        for dim in [8, 80] {
            let fx = try GMMFixture(dim: dim)
            let ts = try fx.file.tensor("eps_probe_t").scalars.map { Int($0) }
            let xs = try fx.file.tensor("eps_probe_x"), want = try fx.file.tensor("eps_probe_out")
            var rng = SeededGenerator(seed: 0)
            for (i, t) in ts.enumerated() {
                let got = fx.prior.epsilon(xs.items(i..<(i + 1)), t: t, using: &rng)
                let err = (got.item(0) - want.item(i)).maxAbs()
                #expect(err <= 1e-4 * max(1, want.item(i).maxAbs()), "dim \(dim) t \(t)")
            }
        }
    }

    @Test func testPriorVJPMatchesFiniteDifferences() throws {
        let fx = try GMMFixture(dim: 8)
        var rng = SeededGenerator(seed: 3)
        for t in [50, 400, 900] {
            let x = Random.normal([1, 8], using: &rng) * 3, v = Random.normal([1, 8], using: &rng)
            let (_, vjp) = fx.prior.x0WithVJP(x, t: t, cotangent: v, using: &rng)
            for j in 0..<8 {
                var xp = x, xm = x
                let h: Float = 1e-2
                xp.scalars[j] += h; xm.scalars[j] -= h
                let fd = (fx.prior.x0(xp, t: t, using: &rng).dot(v) - fx.prior.x0(xm, t: t, using: &rng).dot(v)) / Double(2 * h)
                #expect(abs(fd - Double(vjp.scalars[j])) <= 2e-2 * max(1, abs(fd)), "t \(t) coord \(j)")
            }
        }
    }
}
