import Foundation
import Testing
import TensorCore
@testable import Diffusion

struct PriorFileTests {
    static func tempPath(_ name: String) -> String {
        NSTemporaryDirectory() + "red-priors-\(ProcessInfo.processInfo.processIdentifier)-\(name)"
    }

    @Test func saveAndLoadRoundTrip() throws {
        let prior = try randomMixture(k: 3, d: 4, seed: 21)
        let path = Self.tempPath("roundtrip.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try prior.write(to: path)
        let back = try #require(try Priors.load(path: path) as? GaussianMixturePrior)
        #expect(back.weights == prior.weights && back.means == prior.means && back.covariances == prior.covariances)
        let meta = try SafeTensors(contentsOf: path).metadata
        #expect(meta == ["format": "red-prior", "kind": "gmm", "dim": "4", "components": "3"])
        var rng = SeededGenerator(seed: 1)
        let x = Random.normal([2, 4], using: &rng)
        #expect(back.epsilon(x, t: 100, using: &rng) == prior.epsilon(x, t: 100, using: &rng))
    }

    @Test func fixtureLoadsThroughDispatcher() throws {
        let prior = try Priors.load(path: GMMFixtures.prior(8))
        #expect(prior.dataShape == .vector(dim: 8))
    }

    /// Malformed files: the error names the file, the tensor and the expected shape.
    @Test func malformedFilesGiveClearErrors() throws {
        let path = Self.tempPath("bad.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let meta = ["format": "red-prior", "kind": "gmm"]
        try SafeTensors(tensors: ["weights": .ones([3]), "means": .zeros([3, 4]), "covariances": .ones([3, 4, 5])], metadata: meta).write(to: path)
        do { _ = try Priors.load(path: path); Issue.record("no error") } catch let e as PriorError {
            #expect(e == .tensor(path: path, name: "covariances", expected: "[3, 4, 4]", found: "[3, 4, 5]"))
            #expect(e.description.contains(path) && e.description.contains("covariances") && e.description.contains("[3, 4, 4]"))
        }
        try SafeTensors(tensors: ["weights": .ones([3])], metadata: meta).write(to: path)
        #expect(throws: PriorError.tensor(path: path, name: "means", expected: "[3, *]", found: "no such tensor")) { try Priors.load(path: path) }
        try SafeTensors(tensors: ["weights": .ones([3])], metadata: ["format": "red-prior", "kind": "unet"]).write(to: path)
        do { _ = try Priors.load(path: path); Issue.record("no error") } catch let e as PriorError {
            #expect(e.description.contains(path) && e.description.contains("'unet'") && e.description.contains("gmm"))
        }
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PriorError.self) { try Priors.load(path: path) }
        #expect(throws: PriorError.file(path: "/nonexistent/p.safetensors", message: "no such file")) { try Priors.load(path: "/nonexistent/p.safetensors") }
    }

    /// Kinds of other modules, given as loaders, are dispatched by `Priors.load`; the error for
    /// an unknown kind lists them after the built-in ones.
    @Test func loadersOfOtherKindsAreDispatched() throws {
        let path = Self.tempPath("registered.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors(tensors: ["w": .ones([1])], metadata: ["format": "red-prior", "kind": "test-registered-kind"]).write(to: path)
        do { _ = try Priors.load(path: path); Issue.record("no error") } catch let e as PriorError {
            #expect("\(e)".contains("'gmm', 'patch-gmm'"))
        }
        let loaders: [String: Priors.Loader] = ["test-registered-kind": { _, meta in
            guard meta["kind"] == "test-registered-kind" else { throw PriorError.invalid("wrong metadata") }
            return try GaussianMixturePrior.grid(dim: 2)
        }]
        #expect(try Priors.load(path: path, loaders: loaders).dataShape == .vector(dim: 2))
        do { _ = try Priors.load(path: path, loaders: ["other": loaders["test-registered-kind"]!]); Issue.record("no error") } catch let e as PriorError {
            #expect("\(e)".contains("'gmm', 'patch-gmm', 'other'"))
        }
    }
}
