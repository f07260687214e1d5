import Foundation
import Synchronization
import TensorCore
import Diffusion

/// A diffusion prior served by an Open Inference Protocol (KServe V2 REST) server: ε̂(x_t, t)
/// is one inference request per call, the whole batch `[N, item…]` in one request.
///
/// The model's metadata gives the schedule, the item shape and an optional VJP companion model
/// (`PriorConvention`, `Docs/remote-priors.md`). Without a companion the prior has no x̂0 VJP
/// (`hasVJP` false): DPS and ΠGDM refuse it, RED-diff, DDRM and DDIM do not need it.
///
/// `DiffusionPrior`'s methods cannot throw: when a request fails (no answer after the retries,
/// an HTTP error, a malformed answer), the call returns NaN, so the solve stops at that step with
/// `SamplerError.diverged` and its last finite iterate, and `failure` says what went wrong. Every
/// later call returns NaN at once until `resetFailure()`.
public final class RemotePrior: DiffusionPrior, VJPOptionalPrior {
    /// How requests are sent.
    public struct Options: Sendable {
        /// Seconds one attempt of one request may take.
        public var timeout: Double
        /// Further attempts after a transport error or HTTP 502/503/504.
        public var retries: Int
        /// The body encoding.
        public var encoding: InferenceClient.Encoding
        /// The companion model's URL; nil: the metadata's `vjp_model` on the same server, if any.
        public var companionURL: String?

        public init(timeout: Double = 120, retries: Int = 2, encoding: InferenceClient.Encoding = .auto, companionURL: String? = nil) {
            self.timeout = timeout; self.retries = retries; self.encoding = encoding; self.companionURL = companionURL
        }
    }

    public let name: String
    public let schedule: NoiseSchedule
    public let dataShape: DataShape
    public let dataSpread: Double
    /// The ε̂ model.
    public let client: InferenceClient
    /// The VJP companion model (inputs `x_t`, `t`, `cotangent`; outputs `x0`, `vjp`), if any.
    public let companion: InferenceClient?
    private let failureState = Mutex<RemotePriorError?>(nil)

    public var hasVJP: Bool { companion != nil }

    /// Connects to the model at `url`: checks that it is ready, reads its metadata, and does the
    /// same for the companion model when there is one.
    /// - Throws: `RemotePriorError` when a server cannot be reached, a model is not ready, or
    ///   its metadata does not follow the convention.
    public init(url: String, options: Options = Options()) throws(RemotePriorError) {
        client = try InferenceClient(url: url, timeout: options.timeout, retries: options.retries, encoding: options.encoding)
        try client.checkReady()
        let meta = try client.metadata()
        let convention = try PriorConvention(meta, url: client.modelURL.absoluteString)
        schedule = convention.schedule
        dataShape = convention.dataShape
        dataSpread = convention.dataSpread
        name = "remote \(client.modelName)"
        if let u = options.companionURL {
            companion = try InferenceClient(url: u, timeout: options.timeout, retries: options.retries, encoding: options.encoding)
        } else if let v = convention.vjpModel {
            companion = try client.sibling(named: v)
        } else {
            companion = nil
        }
        if let companion {
            try companion.checkReady()
            let m = try companion.metadata()
            let url = companion.modelURL.absoluteString
            for input in ["x_t", "t", "cotangent"] where !m.inputs.isEmpty && m.input(input) == nil {
                throw .metadata(url: url, key: "inputs", expected: "inputs x_t, t and cotangent", found: m.inputs.map(\.name).joined(separator: ", "))
            }
            for output in ["x0", "vjp"] where !m.outputs.isEmpty && m.output(output) == nil {
                throw .metadata(url: url, key: "outputs", expected: "outputs x0 and vjp", found: m.outputs.map(\.name).joined(separator: ", "))
            }
        }
    }

    /// Why the last failed request failed; nil when none has failed since `resetFailure()`.
    public var failure: RemotePriorError? { failureState.withLock { $0 } }

    /// Clears `failure`, so that calls send requests again.
    public func resetFailure() { failureState.withLock { $0 = nil } }

    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let (batch, single) = batched(xt)
        let out = evaluate(client, batch, t: t, extra: [], outputs: ["eps"])
        guard let eps = out?["eps"] else { return Tensor(shape: xt.shape, repeating: .nan) }
        return single ? eps.reshaped(xt.shape) : eps
    }

    /// x̂0 and its VJP from the companion model; NaN (and `failure` set) without one.
    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent shape \(v.shape) differs from x_t \(xt.shape)")
        let nan = Tensor(shape: xt.shape, repeating: .nan)
        guard let companion else {
            record(.malformed(url: client.modelURL.absoluteString, message: "the model has no VJP companion (metadata parameter 'vjp_model')"))
            return (nan, nan)
        }
        let (batch, single) = batched(xt)
        let cot = InferenceTensor(name: "cotangent", shape: batch.shape, data: .fp32(v.scalars))
        guard let out = evaluate(companion, batch, t: t, extra: [cot], outputs: ["x0", "vjp"]),
              let x0 = out["x0"], let vjp = out["vjp"] else { return (nan, nan) }
        return single ? (x0.reshaped(xt.shape), vjp.reshaped(xt.shape)) : (x0, vjp)
    }

    /// `xt` as a batch, and whether it was a single item.
    private func batched(_ xt: Tensor) -> (Tensor, Bool) {
        let itemRank: Int
        switch dataShape { case .image: itemRank = 3; case .vector: itemRank = 1 }
        return xt.rank == itemRank ? (xt.reshaped([1] + xt.shape), true) : (xt, false)
    }

    /// One request: `x_t`, `t` (repeated for every item) and `extra`; the FP32 outputs of x_t's
    /// shape, or nil (with `failure` set) when it failed or a failure is pending.
    private func evaluate(_ model: InferenceClient, _ xt: Tensor, t: Int, extra: [InferenceTensor], outputs: [String]) -> [String: Tensor]? {
        guard failure == nil else { return nil }
        let url = model.modelURL.absoluteString
        guard xt.isFinite else { return nil }
        let n = xt.shape[0]
        let inputs = [InferenceTensor(name: "x_t", shape: xt.shape, data: .fp32(xt.scalars)),
                      InferenceTensor(name: "t", shape: [n], data: .int64(Array(repeating: Int64(t), count: n)))] + extra
        do {
            let answer = try model.infer(inputs, outputs: outputs)
            var result: [String: Tensor] = [:]
            for o in outputs {
                guard let tensor = answer[o], let values = tensor.floats else {
                    throw RemotePriorError.malformed(url: url, message: "output '\(o)' is not FP32")
                }
                guard tensor.shape == xt.shape else {
                    throw RemotePriorError.malformed(url: url, message: "output '\(o)' has shape \(tensor.shape); x_t has \(xt.shape)")
                }
                guard values.allSatisfy({ $0.isFinite }) else {
                    throw RemotePriorError.malformed(url: url, message: "output '\(o)' has non-finite values at t=\(t)")
                }
                result[o] = Tensor(shape: xt.shape, scalars: values)
            }
            return result
        } catch let e as RemotePriorError {
            record(e)
        } catch {
            record(.malformed(url: url, message: "\(error)"))
        }
        return nil
    }

    private func record(_ e: RemotePriorError) {
        failureState.withLock { if $0 == nil { $0 = e } }
    }
}
