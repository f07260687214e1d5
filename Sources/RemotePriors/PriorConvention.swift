import Foundation
import Diffusion

/// What a model's metadata says about it as a diffusion prior (the convention of
/// `Docs/remote-priors.md`).
///
/// Inputs `x_t` FP32 `[-1, C, -1, -1]` (images; C = −1 for any channel count) or `[-1, D]`
/// (vectors) and `t` INT64 `[-1]`; output `eps` FP32 of x_t's shape. Parameters (all optional):
/// `noise_schedule` (`linear`: β from 0.1/T to 20/T, or `cosine`; default linear), `diffusion_steps` (T, default 1000),
/// `betas` (a JSON array of T numbers, as a string; overrides the two before), `size_multiple`
/// (default 1), `vjp_model` (the companion model's name on the same server), `data_spread`
/// (default 0.5).
public struct PriorConvention: Sendable {
    /// The schedule.
    public var schedule: NoiseSchedule
    /// The items the model accepts.
    public var dataShape: DataShape
    /// The companion model's name, when the metadata names one.
    public var vjpModel: String?
    /// The data spread in model units.
    public var dataSpread: Double

    /// Reads the convention from `meta` (fetched from `url`).
    /// - Throws: `RemotePriorError.metadata` naming the parameter or tensor that does not fit.
    public init(_ meta: ModelMetadata, url: String) throws(RemotePriorError) {
        func bad(_ key: String, _ expected: String, _ found: String?) -> RemotePriorError {
            .metadata(url: url, key: key, expected: expected, found: found)
        }
        guard let x = meta.input("x_t") else {
            throw bad("inputs", "an input 'x_t' (FP32 [-1, C, -1, -1] or [-1, D])", meta.inputs.map(\.name).joined(separator: ", "))
        }
        guard x.datatype == "FP32" else { throw bad("x_t", "datatype FP32", x.datatype) }
        guard let t = meta.input("t") else { throw bad("inputs", "an input 't' (INT64 [-1])", meta.inputs.map(\.name).joined(separator: ", ")) }
        guard t.datatype == "INT64" else { throw bad("t", "datatype INT64", t.datatype) }
        if !meta.outputs.isEmpty, meta.output("eps") == nil {
            throw bad("outputs", "an output 'eps'", meta.outputs.map(\.name).joined(separator: ", "))
        }
        func integer(_ key: String, default d: Int, min: Int) throws(RemotePriorError) -> Int {
            guard let p = meta.parameters[key] else { return d }
            guard let v = Int(p.description), v >= min else { throw bad(key, "an integer ≥ \(min)", p.description) }
            return v
        }
        let multiple = try integer("size_multiple", default: 1, min: 1)
        switch x.shape.count {
        case 4: dataShape = .image(channels: x.shape[1] > 0 ? [x.shape[1]] : nil, multiple: multiple)
        case 2:
            guard x.shape[1] > 0 else { throw bad("x_t", "shape [-1, D] with D > 0", "\(x.shape)") }
            dataShape = .vector(dim: x.shape[1])
        default: throw bad("x_t", "shape [-1, C, -1, -1] or [-1, D]", "\(x.shape)")
        }
        let steps = try integer("diffusion_steps", default: 1000, min: 1)
        if let p = meta.parameters["betas"] {
            guard let data = p.description.data(using: .utf8), let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
                throw bad("betas", "a JSON array of numbers in (0, 1), as a string", String(p.description.prefix(40)))
            }
            var betas: [Double] = []
            for v in list {
                guard let n = v as? NSNumber, n.doubleValue > 0, n.doubleValue < 1 else {
                    throw bad("betas", "a JSON array of numbers in (0, 1)", "\(v)")
                }
                betas.append(n.doubleValue)
            }
            guard !betas.isEmpty else { throw bad("betas", "a non-empty JSON array", "[]") }
            schedule = Self.schedule(betas: betas)
        } else {
            let kind = meta.parameters["noise_schedule"]?.description ?? "linear"
            switch kind {
            case "linear": schedule = .linear(steps: steps, betaStart: 0.1 / Double(steps), betaEnd: 20 / Double(steps))
            case "cosine": schedule = Self.cosine(steps: steps)
            default: throw bad("noise_schedule", "linear or cosine (or give 'betas')", kind)
            }
        }
        vjpModel = meta.parameters["vjp_model"].map(\.description).flatMap { $0.isEmpty ? nil : $0 }
        if let p = meta.parameters["data_spread"] {
            guard case let .number(v) = p, v > 0, v.isFinite else { throw bad("data_spread", "a positive number", p.description) }
            dataSpread = v
        } else {
            dataSpread = DiffusionPriorScale.image
        }
    }

    /// ᾱ = cumprod(1 − β).
    static func schedule(betas: [Double]) -> NoiseSchedule {
        var prod = 1.0
        return NoiseSchedule(alphaBar: betas.map { prod *= 1 - $0; return prod })
    }

    /// The cosine schedule of improved DDPM (guided-diffusion `betas_for_alpha_bar`, β ≤ 0.999).
    static func cosine(steps: Int) -> NoiseSchedule {
        func f(_ s: Double) -> Double { let c = Foundation.cos((s + 0.008) / 1.008 * Double.pi / 2); return c * c }
        let betas = (0..<steps).map { i in Swift.min(1 - f(Double(i + 1) / Double(steps)) / f(Double(i) / Double(steps)), 0.999) }
        return schedule(betas: betas)
    }
}
