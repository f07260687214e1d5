import Foundation
import Testing
import TensorCore
import Diffusion
import Degradations
import Samplers
@testable import RemotePriors

/// The client against `Scripts/testing/gmm-server.py`, which serves the exact grid GMM of
/// `GaussianMixturePrior.grid(dim: 8)` and a Gaussian image prior over the protocol.
@Suite(.serialized) struct RemotePriorTests {
    static func batch(_ n: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [n, 8], scalars: (0..<(n * 8)).map { _ in 6 * Random.normal(using: &rng) })
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// A small RED-diff problem on the GMM: denoise a noisy vector.
    static func problem(_ prior: any DiffusionPrior) -> InverseProblem {
        var rng = SeededGenerator(seed: 3)
        let y = Tensor(shape: [8], scalars: (0..<8).map { e in Float(e % 2 == 0 ? 8 : -8) + 0.3 * Random.normal(using: &rng) })
        return InverseProblem(prior: prior, op: Identity(shape: [8]), y: y, sigmaY: 0.3, isImage: false)
    }

    @Test(arguments: InferenceClient.Encoding.allCases)
    func epsilonEqualsTheLocalGMM(encoding: InferenceClient.Encoding) throws {
        let server = try TestServer()
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10, encoding: encoding))
        let local = try GaussianMixturePrior.grid(dim: 8)
        #expect(remote.dataShape == .vector(dim: 8))
        #expect(remote.schedule.alphaBar == local.schedule.alphaBar)
        #expect(remote.hasVJP)
        var rng = SeededGenerator(seed: 1)
        let x = Self.batch(5, seed: 2)
        for t in [0, 10, 250, 999] {
            let d = Self.maxDifference(remote.epsilon(x, t: t, using: &rng), local.epsilon(x, t: t, using: &rng))
            #expect(d < 1e-4, "t=\(t): max |Δε̂| = \(d)")
        }
        let stats = try server.stats()
        #expect(stats["binary_requests"] == (encoding == .json ? 0 : 4))
        #expect(remote.failure == nil)
        #expect(remote.client.statistics.requests == 4)
    }

    @Test func vjpFromTheCompanionEqualsTheLocalGMM() throws {
        let server = try TestServer()
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10))
        let local = try GaussianMixturePrior.grid(dim: 8)
        var rng = SeededGenerator(seed: 1)
        let x = Self.batch(3, seed: 4), v = Self.batch(3, seed: 5)
        for t in [5, 400, 900] {
            let r = remote.x0WithVJP(x, t: t, cotangent: v, using: &rng)
            let l = local.x0WithVJP(x, t: t, cotangent: v, using: &rng)
            #expect(Self.maxDifference(r.x0, l.x0) < 1e-3, "x0 at t=\(t)")
            #expect(Self.maxDifference(r.vjp, l.vjp) < 1e-3, "vjp at t=\(t)")
        }
    }

    @Test func autoFallsBackToJSONWhenBinaryIsRefused() throws {
        let server = try TestServer(["--json-only"])
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10, encoding: .auto))
        var rng = SeededGenerator(seed: 1)
        let x = Self.batch(2, seed: 2)
        let a = remote.epsilon(x, t: 100, using: &rng), b = remote.epsilon(x, t: 200, using: &rng)
        #expect(a.isFinite && b.isFinite && remote.failure == nil)
        // one refused binary request, then JSON only
        #expect(try server.stats()["binary_requests"] == 1)
        #expect(try server.stats()["requests"] == 3)
    }

    /// The n chains of a solve go in one request per step, and the solve equals the local one.
    @Test func aSolveSendsOneBatchedRequestPerStepAndMatchesTheLocalSolve() throws {
        let server = try TestServer()
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10))
        let local = try GaussianMixturePrior.grid(dim: 8)
        let method = SamplerMethod.reddiff(REDDiffOptions(steps: 20, lr: 0.1))
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let a = try Sampler.solve(Self.problem(remote), method: method, n: 4, using: &r1)
        let b = try Sampler.solve(Self.problem(local), method: method, n: 4, using: &r2)
        #expect(Self.maxDifference(a.samples, b.samples) < 1e-3)
        let stats = try server.stats()
        #expect(stats["requests"] == 20)
        #expect(stats["max_batch"] == 4)
    }

    @Test func dpsThroughTheCompanionMatchesLocalDPS() throws {
        let server = try TestServer()
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10))
        let local = try GaussianMixturePrior.grid(dim: 8)
        let method = SamplerMethod.dps(DPSOptions(zeta: 0.5, eta: 1, steps: 10))
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let a = try Sampler.solve(Self.problem(remote), method: method, n: 2, using: &r1)
        let b = try Sampler.solve(Self.problem(local), method: method, n: 2, using: &r2)
        #expect(Self.maxDifference(a.samples, b.samples) < 1e-2)
    }

    @Test func withoutACompanionDPSAndPiGDMAreRefusedAndREDDiffRuns() throws {
        let server = try TestServer(["--no-companion"])
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 10))
        #expect(!remote.hasVJP && !remote.supportsVJP)
        var rng = SeededGenerator(seed: 1)
        for method in [SamplerMethod.dps(DPSOptions(steps: 5)), .pigdm(PiGDMOptions(steps: 5))] {
            #expect {
                _ = try Sampler.solve(Self.problem(remote), method: method, n: 1, using: &rng)
            } throws: { e in
                guard case SamplerError.noVJP = e else { return false }
                return "\(e)".contains("remote gmm8")
            }
        }
        let s = try Sampler.solve(Self.problem(remote), method: .reddiff(REDDiffOptions(steps: 5)), n: 1, using: &rng)
        #expect(s.samples.isFinite)
    }

    /// A server killed mid-solve: the solve stops at the failing step with the last iterate and
    /// `failure` says why; no hang (the client retries a bounded number of times).
    @Test func aServerKilledMidSolveStopsTheSolveAtThatStep() throws {
        let server = try TestServer(["--die-after", "5"])
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 5, retries: 1))
        var rng = SeededGenerator(seed: 1)
        #expect {
            _ = try Sampler.solve(Self.problem(remote), method: .reddiff(REDDiffOptions(steps: 20)), n: 2, using: &rng)
        } throws: { e in
            guard case let SamplerError.diverged(step, _, last) = e else { return false }
            return step == 6 && last?.shape == [2, 8] && last?.isFinite == true
        }
        guard case let .unreachable(_, attempts, _)? = remote.failure else {
            Issue.record("expected an unreachable failure, got \(String(describing: remote.failure))")
            return
        }
        #expect(attempts == 2)
        // the failure is sticky until reset: no further request is sent
        #expect(!remote.epsilon(Self.batch(1, seed: 1), t: 3, using: &rng).isFinite)
        remote.resetFailure()
        #expect(remote.failure == nil)
    }

    @Test func aMalformedAnswerStopsTheSolveNamingTheCause() throws {
        let server = try TestServer(["--malformed-after", "3"])
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 5))
        var rng = SeededGenerator(seed: 1)
        #expect {
            _ = try Sampler.solve(Self.problem(remote), method: .reddiff(REDDiffOptions(steps: 10)), n: 1, using: &rng)
        } throws: { e in
            guard case let SamplerError.diverged(step, _, last) = e else { return false }
            return step == 4 && last != nil
        }
        let failure = try #require(remote.failure)
        #expect(failure.description.contains("shape [1, 7]"))
    }

    @Test func aSlowServerTimesOutAfterBoundedRetries() throws {
        let server = try TestServer(["--delay", "10"])
        let remote = try RemotePrior(url: server.url("gmm8"), options: .init(timeout: 2, retries: 1))
        var rng = SeededGenerator(seed: 1)
        #expect(!remote.epsilon(Self.batch(1, seed: 1), t: 3, using: &rng).isFinite)
        guard case let .unreachable(_, attempts, cause)? = remote.failure else {
            Issue.record("expected a timeout, got \(String(describing: remote.failure))")
            return
        }
        #expect(attempts == 2)
        #expect(cause.contains("timed out"))
    }

    @Test func settingAPriorChecksReadinessAndTheModel() throws {
        let server = try TestServer()
        #expect {
            _ = try RemotePrior(url: server.url("nosuchmodel"), options: .init(timeout: 5))
        } throws: { e in
            guard case let RemotePriorError.http(_, status, _)? = e as? RemotePriorError else { return false }
            return status == 404
        }
        let port = server.port
        server.stop()
        #expect {
            _ = try RemotePrior(url: "http://127.0.0.1:\(port)/v2/models/gmm8", options: .init(timeout: 2, retries: 0))
        } throws: { e in
            guard case RemotePriorError.unreachable? = e as? RemotePriorError else { return false }
            return true
        }
    }

    @Test func imageModelsTakeAnyShapeAndAnnounceTheirMultiple() throws {
        let server = try TestServer(["--multiple", "8"])
        let remote = try RemotePrior(url: server.url("gauss"), options: .init(timeout: 10))
        #expect(remote.dataShape == .image(channels: nil, multiple: 8))
        var rng = SeededGenerator(seed: 1)
        let x = Tensor(shape: [2, 3, 8, 16], repeating: 0.4)
        let t = 300
        let eps = remote.epsilon(x, t: t, using: &rng)
        let ab = remote.schedule.alphaBar(t), s2 = 1 - ab
        let expected = Float(s2.squareRoot() * 0.4 / (ab * 0.25 + s2))
        #expect(eps.shape == x.shape)
        #expect(eps.scalars.allSatisfy { abs($0 - expected) < 1e-5 })
        // one item without batch dimension
        let one = remote.epsilon(Tensor(shape: [3, 8, 8], repeating: 0.4), t: t, using: &rng)
        #expect(one.shape == [3, 8, 8])
    }
}
