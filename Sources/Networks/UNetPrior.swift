import Diffusion
import Foundation
import TensorCore

/// The ADM U-Net as a diffusion prior: ε̂(x_t, t) is the network's output (its first `in`
/// channels when σ is learned), on the schedule the network was trained for.
///
/// Accepts images `[C, H, W]` with C = the network's input channels and sides a multiple of
/// 2^(levels−1). The vector–Jacobian product of x̂0 (DPS, ΠGDM) runs the network's exact
/// backward pass (`UNetModel.withPullback`).
public final class UNetPrior: DiffusionPrior {
    public let model: UNetModel
    public let schedule: NoiseSchedule
    public let name: String
    /// Class label for class-conditional networks (the same for every item), else nil.
    public let classLabel: Int?
    /// Times passed to the network are t·`timeScale` (1, or 1000/T for `rescale_timesteps`).
    public let timeScale: Float

    /// Wraps a network.
    /// - Throws: `NetworkError.config` when a class-conditional network gets no label in range (or vice versa).
    public init(model: UNetModel, schedule: NoiseSchedule = .linear(), name: String? = nil,
                classLabel: Int? = nil, rescaleTimesteps: Bool = false) throws {
        if let k = model.config.numClasses {
            guard let y = classLabel, (0..<k).contains(y) else {
                throw NetworkError.config("the network is class-conditional: give a class label in 0..<\(k)")
            }
        } else if classLabel != nil {
            throw NetworkError.config("the network is unconditional; it takes no class label")
        }
        self.model = model
        self.schedule = schedule
        self.classLabel = classLabel
        self.timeScale = rescaleTimesteps ? 1000 / Float(schedule.count) : 1
        let c = model.config
        self.name = name ?? "unet \(c.imageSize)px ch=\(c.modelChannels) mult=\(c.channelMult.map(String.init).joined(separator: ","))"
    }

    /// Loads a U-Net checkpoint (`.safetensors`, see `UNetModel.init(contentsOf:)`) as a prior.
    /// The schedule comes from the metadata keys `noise_schedule` (`linear` or `cosine`, default
    /// linear), `diffusion_steps` (default 1000) and `rescale_timesteps` (default false).
    public convenience init(contentsOf path: String, classLabel: Int? = nil) throws {
        let file = try UNetModel.readCheckpoint(path)
        guard let json = file.metadata["config"] else {
            throw NetworkError.file(path: path, message: "no 'config' metadata (the UNetModel arguments as JSON); convert the checkpoint with Scripts/convert-pt.py")
        }
        let model = try UNetModel(config: try UNetConfig(json: json), stateDict: file.tensors, path: path)
        let steps = Int(file.metadata["diffusion_steps"] ?? "1000") ?? -1
        guard steps >= 1 else { throw NetworkError.file(path: path, message: "metadata diffusion_steps must be a positive integer") }
        let schedule: NoiseSchedule
        switch file.metadata["noise_schedule"] ?? "linear" {
        case "linear": schedule = .linear(steps: steps, betaStart: 0.1 / Double(steps), betaEnd: 20 / Double(steps))
        case "cosine": schedule = Self.cosineSchedule(steps: steps)
        case let s: throw NetworkError.file(path: path, message: "noise_schedule '\(s)' is not linear or cosine")
        }
        let rescale = ["true", "True", "1"].contains(file.metadata["rescale_timesteps"] ?? "false")
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        try self.init(model: model, schedule: schedule, name: "unet \(base)", classLabel: classLabel, rescaleTimesteps: rescale)
    }

    /// The cosine schedule of Nichol & Dhariwal 2021 (ᾱ(t) = f(t)/f(0), f = cos²((t/T + 0.008)/1.008 · π/2),
    /// β clipped at 0.999), as guided-diffusion's `betas_for_alpha_bar`.
    static func cosineSchedule(steps: Int) -> NoiseSchedule {
        func f(_ t: Double) -> Double { let c = Foundation.cos((t + 0.008) / 1.008 * Double.pi / 2); return c * c }
        var abar = [Double](repeating: 0, count: steps), prod = 1.0
        for i in 0..<steps {
            let beta = Swift.min(1 - f(Double(i + 1) / Double(steps)) / f(Double(i) / Double(steps)), 0.999)
            prod *= 1 - beta
            abar[i] = prod
        }
        return NoiseSchedule(alphaBar: abar)
    }

    public var dataShape: DataShape { .image(channels: [model.config.inChannels], multiple: model.config.sizeMultiple) }

    /// ε̂(x_t, t) for a batch `[N, C, H, W]`.
    /// - Precondition: items fit `dataShape` (samplers check `dataShape.mismatch` first).
    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let n = xt.shape[0]
        return firstChannels(model(xt, t: times(t, n), classes: labels(n)), of: xt)
    }

    /// x̂0 = (x_t − σ_t ε̂)/α_t and (∂x̂0/∂x_t)ᵀ v = v/α_t − (σ_t/α_t)(∂ε̂/∂x_t)ᵀ v, the latter
    /// through the network's backward pass (ε̂ is the first `in` output channels).
    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent \(v.shape) for x_t \(xt.shape)")
        let n = xt.shape[0], a = Float(schedule.alpha(t)), s = Float(schedule.sigma(t))
        let (out, pullback) = model.withPullback(xt, t: times(t, n), classes: labels(n))
        let eps = firstChannels(out, of: xt)
        let x0 = Tensor.linearCombination(1 / a, xt, -s / a, eps)
        // the cotangent of the output: −(σ/α)·v on the ε̂ channels, 0 on the variance channels
        let cin = model.config.inChannels, cout = model.config.outChannels, hw = xt.shape[2] * xt.shape[3]
        var dOut = [Float](repeating: 0, count: n * cout * hw)
        for i in 0..<n { for j in 0..<(cin * hw) { dOut[i * cout * hw + j] = -s / a * v.scalars[i * cin * hw + j] } }
        var vjp = pullback(Tensor(shape: [n, cout, xt.shape[2], xt.shape[3]], scalars: dOut))
        vjp.add(v, scaledBy: 1 / a)
        return (x0, vjp)
    }

    private func times(_ t: Int, _ n: Int) -> [Float] { [Float](repeating: Float(t) * timeScale, count: n) }
    private func labels(_ n: Int) -> [Int]? { classLabel.map { [Int](repeating: $0, count: n) } }

    /// The first `in` channels of the output (ε̂ when σ is learned).
    private func firstChannels(_ out: Tensor, of xt: Tensor) -> Tensor {
        let n = xt.shape[0], cin = model.config.inChannels, cout = model.config.outChannels
        guard cout != cin else { return out }
        let hw = xt.shape[2] * xt.shape[3]
        var eps = [Float](repeating: 0, count: n * cin * hw)
        for i in 0..<n { for j in 0..<(cin * hw) { eps[i * cin * hw + j] = out.scalars[i * cout * hw + j] } }
        return Tensor(shape: xt.shape, scalars: eps)
    }

    public func flops(itemShape: [Int], items: Int) -> Double? {
        guard itemShape.count == 3 else { return nil }
        return model.flops(items: items, height: itemShape[1], width: itemShape[2])
    }

    /// The network's bytes (`UNetModel.workingBytes`; the VJP keeps every activation), plus
    /// ε̂ split off a learned-σ output and, with the VJP, x̂0 and ε̂.
    public func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? {
        guard itemShape.count == 3 else { return nil }
        let item = items * itemShape.reduce(1, *) * MemoryLayout<Float>.size
        let own = withVJP ? 2 * item : (model.config.learnedSigma ? item : 0)
        return model.workingBytes(items: items, height: itemShape[1], width: itemShape[2], withVJP: withVJP) + own
    }
}
