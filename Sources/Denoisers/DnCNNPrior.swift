import TensorCore
import Diffusion

/// A DnCNN denoiser family used as a diffusion prior (Tweedie in reverse: ε̂ from a denoiser).
///
/// At time t the noise level of x_t/α_t in model space ([-1, 1]) is s = σ_t/α_t, i.e. s/2 in
/// [0, 1] units. With u = (x_t/α_t + 1)/2:  x̂0 = 2·D(u; s/2) − 1 and ε̂ = (x_t − α_t x̂0)/σ_t.
/// The network used is the conditional (N) one when present and s/2 lies in its range, else the
/// fixed-level network whose training σ is nearest. Above a network's range the image is scaled
/// about 0.5 by k = σ_max/(s/2) (so its noise matches), denoised and scaled back — exact for a
/// scale-equivariant denoiser, an approximation here; prefer `CompositePrior` for such times.
///
/// Colour images are denoised channel by channel, either in an orthonormal opponent colour space
/// (Y = (R+G+B)/√3, C1 = (R−B)/√2, C2 = (R−2G+B)/√6; chroma shifted by +0.5), which keeps white
/// noise white with the same σ, or in R, G, B. Measured with `Scripts/bench --quick denoisers`
/// on the astronaut crop: the opponent space gains 1.4–1.5 dB for the fixed-level L and M
/// networks, but the noise-conditional N networks fail on the chroma planes (−12 dB), so
/// `.auto` (the default) uses the opponent space for fixed-level networks and R, G, B for N.
public final class DnCNNPrior: DiffusionPrior, @unchecked Sendable {
    /// How colour images are handled.
    public enum ColorHandling: String, Sendable, CaseIterable { case auto, opponent, perChannel }

    public let networks: [DnCNN]
    public let color: ColorHandling
    public let schedule: NoiseSchedule
    public let name: String
    public var dataShape: DataShape { .image(channels: [1, 3], multiple: 1) }

    public init(networks: [DnCNN], color: ColorHandling = .auto, schedule: NoiseSchedule = .linear(), name: String = "dncnn") {
        precondition(!networks.isEmpty, "DnCNNPrior needs at least one network")
        self.networks = networks
        self.color = color
        self.schedule = schedule
        self.name = name
    }

    /// The largest [0, 1]-units noise level any network covers.
    public var maxSigma: Float { networks.map(\.maxSigma).max() ?? 0 }

    /// The network for noise level `sigma` ([0, 1] units) and the contrast factor k ≤ 1.
    ///
    /// Fixed-level networks are much better than the conditional one at their own level (fixture:
    /// 17M 30.1 dB vs 17N 26.6 dB at σ = 0.1), so the largest fixed level σ_f ≤ σ is used with
    /// the contrast scaled by k = σ_f/σ (the noise then matches σ_f). Below the smallest fixed
    /// level the conditional network answers when present.
    func network(for sigma: Float) -> (DnCNN, Float) {
        let fixed = networks.filter { $0.variant != .conditional }
            .sorted { ($0.variant.trainingSigma ?? 0) < ($1.variant.trainingSigma ?? 0) }
        let conditional = networks.first { $0.variant == .conditional }
        if let below = fixed.last(where: { ($0.variant.trainingSigma ?? 0) <= sigma * 1.02 }) {
            let level = below.variant.trainingSigma ?? sigma
            return (below, Swift.min(1, level / sigma))
        }
        if let conditional { return (conditional, sigma > conditional.maxSigma ? conditional.maxSigma / sigma : 1) }
        let first = fixed.first ?? networks[0]
        return (first, 1)   // σ below every fixed level: the lowest-level network as is
    }

    // Orthonormal opponent transform (rows).
    static let opp: [Float] = [1 / 3.0.squareRoot(), 1 / 3.0.squareRoot(), 1 / 3.0.squareRoot(),
                               1 / 2.0.squareRoot(), 0, -1 / 2.0.squareRoot(),
                               1 / 6.0.squareRoot(), -2 / 6.0.squareRoot(), 1 / 6.0.squareRoot()].map { Float($0) }

    static func mixChannels(_ x: Tensor, _ m: [Float], transpose: Bool) -> Tensor {
        let (_, h, w) = x.imageGeometry, n = h * w
        var out = Tensor.zeros(x.shape)
        x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for o in 0..<3 { for i in 0..<3 {
                let c = transpose ? m[i * 3 + o] : m[o * 3 + i]
                if c == 0 { continue }
                for p in 0..<n { dst[o * n + p] += c * src[i * n + p] }
            } }
        } }
        return out
    }

    /// Denoises one image `[C, H, W]` in [0, 1] units; with a cotangent, also returns J_Dᵀ v.
    public func denoise(_ u: Tensor, sigma: Float, cotangent: Tensor?) -> (Tensor, Tensor?) {
        let (c, h, w) = u.imageGeometry
        let (net, k) = network(for: sigma)
        let opponent = c == 3 && (color == .opponent || (color == .auto && net.variant != .conditional))
        var z = opponent ? Self.mixChannels(u, Self.opp, transpose: false) : u
        var vz = cotangent.map { opponent ? Self.mixChannels($0, Self.opp, transpose: false) : $0 }
        if opponent { for ch in 1..<3 { for p in 0..<(h * w) { z.scalars[ch * h * w + p] += 0.5 } } }
        var outs: [Tensor] = [], vjps: [Tensor] = []
        for ch in 0..<c {
            var plane = z.item(ch).reshaped([1, h, w])
            if k != 1 { plane = (plane - 0.5) * k + 0.5 }
            if let v = vz?.item(ch).reshaped([1, h, w]) {
                let (o, g) = net.denoiseWithVJP(plane, sigma: sigma * k, cotangent: v)
                outs.append(k != 1 ? (o - 0.5) * (1 / k) + 0.5 : o)
                vjps.append(g)    // the k and 1/k factors cancel
            } else {
                let o = net.denoise(plane, sigma: sigma * k)
                outs.append(k != 1 ? (o - 0.5) * (1 / k) + 0.5 : o)
            }
        }
        var d = Tensor.concatenated(outs)
        vz = vjps.isEmpty ? nil : Tensor.concatenated(vjps)
        if opponent {
            for ch in 1..<3 { for p in 0..<(h * w) { d.scalars[ch * h * w + p] -= 0.5 } }
            d = Self.mixChannels(d, Self.opp, transpose: true)
            vz = vz.map { Self.mixChannels($0, Self.opp, transpose: true) }
        }
        return (d, vz)
    }

    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let x0 = x0Batch(xt, t: t, cotangent: nil).x0
        return schedule.epsilon(fromX0: x0, xt: xt, t: t)
    }

    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        let r = x0Batch(xt, t: t, cotangent: v)
        return (r.x0, r.vjp ?? Tensor.zeros(like: xt))
    }

    /// x̂0 = 2·D((x_t/α_t + 1)/2) − 1 and, with a cotangent, (∂x̂0/∂x_t)ᵀ v = J_Dᵀ v / α_t.
    func x0Batch(_ xt: Tensor, t: Int, cotangent: Tensor?) -> (x0: Tensor, vjp: Tensor?) {
        let a = Float(schedule.alpha(t))
        let sigma01 = Float(schedule.inverseSNR(t) / 2)
        var x0s: [Tensor] = [], vjps: [Tensor] = []
        for i in 0..<xt.shape[0] {
            let u = xt.item(i).map { ($0 / a + 1) / 2 }
            let (d, g) = denoise(u, sigma: sigma01, cotangent: cotangent?.item(i))
            x0s.append(d.map { 2 * $0 - 1 })
            if let g { vjps.append(g * (1 / a)) }
        }
        return (Tensor.stacked(x0s), vjps.isEmpty ? nil : Tensor.stacked(vjps))
    }

    public func flops(itemShape: [Int], items: Int) -> Double? {
        guard itemShape.count == 3 else { return nil }
        return Double(items * itemShape[0]) * networks[0].flops(height: itemShape[1], width: itemShape[2])
    }
}
