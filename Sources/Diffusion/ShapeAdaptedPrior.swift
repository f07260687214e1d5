import TensorCore

/// An image prior made to accept images of any size, and gray images when it models colour
/// images only.
///
/// For an item `[C, h, w]` the wrapped prior sees x_t reflect-padded up to its size multiple m
/// (numpy's `reflect`, no edge pixel repeated, the padding split over both ends with the smaller
/// half on top/left, repeated reflection when the padding exceeds the image; see
/// `ReflectPadding`), and its outputs are cropped back to the item. A gray item `[1, h, w]` for
/// a prior that takes only 3 channels runs as the RGB image (g, g, g). Replication puts the same
/// noise in all three channels, √3 times too much along the gray axis for an RGB x_t, so the
/// network is asked at the time t' whose noise-to-signal ratio is √3·σ_t/α_t, on the image scaled
/// by k = α_{t'}/α_t (`grayTime`), and the three channels of its x̂0 are averaged:
///
///     x̂0(x) = Avg(Crop(x̂0_base(Pad(Rep(k·x)), t'))),  ε̂(x) = (x − α_t x̂0(x))/σ_t,
///
/// consistent through Tweedie at t. (Asking at t itself, as if the noise were independent, makes
/// the network under-denoise: DDRM on a gray photo fell to 8 dB.) The VJP is exact for this
/// composition: (∂x̂0/∂x)ᵀ v = k·Repᵀ Padᵀ J_baseᵀ Cropᵀ Avgᵀ v, where Avgᵀ v puts v/3 in every
/// channel, Cropᵀ zero-pads, Padᵀ folds the reflected margins back onto the pixels they copy and
/// Repᵀ sums the channels.
///
/// The padded margins are made-up content: near the border (and, faintly, everywhere for a
/// network whose GroupNorm statistics and attention see the whole image) ε̂ differs from what
/// the prior would give with real pixels there. With the shipped U-Net, 8 pixels in from 1–3
/// reflected rows and columns the difference is 0.7–0.9 % of ε̂'s RMS (3–5 % at most), less
/// than between the network on an image and on a smaller crop of it with no padding at all
/// (`ShapeAdaptedUNetTests`).
public final class ShapeAdaptedPrior: DiffusionPrior, VJPOptionalPrior {
    /// The wrapped prior.
    public let base: any DiffusionPrior
    /// The wrapped prior's size multiple m.
    let multiple: Int
    /// The channel counts the wrapped prior takes (nil: any).
    let baseChannels: [Int]?

    private init(base: any DiffusionPrior, channels: [Int]?, multiple: Int) {
        self.base = base
        self.baseChannels = channels
        self.multiple = multiple
    }

    /// `prior` itself when it takes items of `itemShape` as they are, else the prior wrapped so
    /// that it does (reflect padding to its size multiple; a gray item run as RGB when the prior
    /// takes 3 channels only). The wrapper accepts every size with those channel counts.
    /// - Throws: `PriorError.invalid` for a vector prior, a shape that is not an image
    ///   `[C, H, W]`, and channel counts that cannot be adapted (2 channels, or an RGB item for a
    ///   prior of gray images).
    public static func adapting(_ prior: any DiffusionPrior, to itemShape: [Int]) throws -> any DiffusionPrior {
        if prior.dataShape.mismatch(itemShape) == nil { return prior }
        guard case let .image(channels, multiple) = prior.dataShape else {
            throw PriorError.invalid("prior '\(prior.name)' takes \(prior.dataShape), not images; got shape \(itemShape)")
        }
        guard itemShape.count == 3, itemShape.allSatisfy({ $0 >= 1 }) else {
            throw PriorError.invalid("prior '\(prior.name)' takes images [C, H, W] with positive sides; got shape \(itemShape)")
        }
        let adapted = ShapeAdaptedPrior(base: prior, channels: channels, multiple: multiple)
        let c = itemShape[0]
        guard adapted.replication(channels: c) != nil else {
            if channels == [1] {
                throw PriorError.invalid("prior '\(prior.name)' takes gray images (1 channel); got \(c) channels (load the image with `gray`)")
            }
            let takes = channels.map { $0.map(String.init).joined(separator: " or ") } ?? "any number of"
            let hint = channels?.contains(3) == true ? " (only 1-channel images can be run as RGB)" : ""
            throw PriorError.invalid("prior '\(prior.name)' takes images with \(takes) channels; got \(c) channels" + hint)
        }
        return adapted
    }

    public var name: String { base.name }
    public var schedule: NoiseSchedule { base.schedule }
    public var dataSpread: Double { base.dataSpread }
    public var hasVJP: Bool { base.supportsVJP }

    /// Any size; the wrapped prior's channel counts, and 1 when it takes 3.
    public var dataShape: DataShape {
        guard let cs = baseChannels else { return .image(channels: nil, multiple: 1) }
        return .image(channels: cs.contains(3) && !cs.contains(1) ? [1] + cs : cs, multiple: 1)
    }

    /// The shape of the items the wrapped prior sees for items of `itemShape` `[C, H, W]`.
    public func baseShape(for itemShape: [Int]) -> [Int] {
        precondition(itemShape.count == 3, "ShapeAdaptedPrior takes images [C, H, W], got \(itemShape)")
        let p = layout(itemShape)
        return [itemShape[0] * p.replication, p.paddedHeight, p.paddedWidth]
    }

    /// Padded channels per item channel for `c` channels (1, or 3 for gray run as RGB); nil when
    /// `c` channels cannot be adapted.
    func replication(channels c: Int) -> Int? {
        guard let cs = baseChannels, !cs.contains(c) else { return 1 }
        return c == 1 && cs.contains(3) ? 3 : nil
    }

    /// The padding for items of `itemShape`.
    func layout(_ itemShape: [Int]) -> ReflectPadding {
        guard let k = replication(channels: itemShape[0]) else {
            preconditionFailure(dataShape.mismatch(itemShape) ?? "prior '\(name)': \(itemShape[0]) channels")
        }
        return ReflectPadding(height: itemShape[1], width: itemShape[2], multiple: multiple, replication: k)
    }

    /// `x` as a batch `[N, C, H, W]` and its padding.
    private func batched(_ x: Tensor) -> (Tensor, ReflectPadding) {
        precondition(x.rank == 3 || x.rank == 4, "ShapeAdaptedPrior takes [N, C, H, W] or [C, H, W], got \(x.shape)")
        let b = x.rank == 4 ? x : x.reshaped([1] + x.shape)
        return (b, layout(Array(b.shape.dropFirst())))
    }

    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let (x, pad) = batched(xt)
        if pad.isIdentity { return base.epsilon(xt, t: t, using: &rng) }
        guard pad.replication > 1 else { return pad.cropped(base.epsilon(pad.padded(x), t: t, using: &rng)).reshaped(xt.shape) }
        // gray: x̂0 from the network at the matched time, then ε̂ by Tweedie at t
        let (tBase, k) = grayTime(t)
        let padded = grayInput(x, pad: pad, t: t, tBase: tBase, scale: k)
        let x0 = pad.cropped(schedule.x0(fromEpsilon: base.epsilon(padded, t: tBase, using: &rng), xt: padded, t: tBase))
        return schedule.epsilon(fromX0: x0, xt: x, t: t).reshaped(xt.shape)
    }

    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent shape \(v.shape) differs from x_t \(xt.shape)")
        let (x, pad) = batched(xt)
        if pad.isIdentity { return base.x0WithVJP(xt, t: t, cotangent: v, using: &rng) }
        let (tBase, k) = pad.replication > 1 ? grayTime(t) : (t, 1)
        let input = pad.replication > 1 ? grayInput(x, pad: pad, t: t, tBase: tBase, scale: k) : pad.padded(x)
        let r = base.x0WithVJP(input, t: tBase, cotangent: pad.uncropped(v.reshaped(x.shape)), using: &rng)
        let vjp = pad.folded(r.vjp)
        return (pad.cropped(r.x0).reshaped(xt.shape), (k == 1 ? vjp : vjp * k).reshaped(xt.shape))
    }

    /// The RGB x_{t'} the network sees for a gray x_t: Pad(Rep(k·x)) plus noise σ_{t'} in the two
    /// colour directions orthogonal to the gray axis (η − mean_c η), which replication leaves
    /// without noise. η is a fixed field per (t, shape) (`chromaSeed`), so ε̂ and x̂0 stay
    /// deterministic functions of x_t, as the VJP and its finite-difference checks need, and a
    /// solve visits each t once, so it meets fresh noise at every step all the same.
    func grayInput(_ x: Tensor, pad: ReflectPadding, t: Int, tBase: Int, scale k: Float) -> Tensor {
        var out = pad.padded(x * k)
        var rng = SeededGenerator(seed: Self.chromaSeed).derived(t)
        let eta = Random.normal(out.shape, using: &rng)
        let (n, c, hw) = (out.shape[0], out.shape[1], out.shape[2] * out.shape[3])
        let s = Float(schedule.sigma(tBase))
        out.withUnsafeMutableBufferPointer { o in eta.withUnsafeBufferPointer { e in
            for b in 0..<n { for p in 0..<hw {
                var mean: Float = 0
                for ch in 0..<c { mean += e[(b * c + ch) * hw + p] }
                mean /= Float(c)
                for ch in 0..<c { o[(b * c + ch) * hw + p] += s * (e[(b * c + ch) * hw + p] - mean) }
            }}
        }}
        return out
    }

    /// The seed of the colour-noise fields of gray items.
    static let chromaSeed: UInt64 = 0x6772_6179

    /// The time t' and scale k at which a gray x_t, replicated into (g, g, g), is an RGB x_{t'}
    /// as far as the noise goes: replication puts the same noise in the three channels, √3
    /// times the noise of independent channels along the gray axis (1, 1, 1)/√3, so the
    /// replicated image has the noise-to-signal ratio √3·σ_t/α_t there. t' is the time with
    /// that ratio (the nearest on the schedule) and k = α_{t'}/α_t gives k·(g, g, g) the signal
    /// α_{t'}·g exactly and the gray-axis noise σ_{t'} up to the rounding of t' (matching the
    /// signal rather than the noise: a signal off by a few per cent at small t biases x̂0 by as
    /// much, and RED-diff's regulariser, which pulls μ to x̂0, compounds that step after step).
    func grayTime(_ t: Int) -> (t: Int, scale: Float) {
        let s = schedule, root3 = 3.0.squareRoot()
        let tBase = s.time(forInverseSNR: root3 * s.inverseSNR(t))
        // beyond the schedule's last time (√3·σ_t/α_t above its ratio) the noise cannot be
        // matched by the time: match it by the scale, k = σ_{T−1}/(√3·σ_t)
        if tBase == s.count - 1, root3 * s.inverseSNR(t) > s.inverseSNR(tBase) {
            return (tBase, Float(s.sigma(tBase) / (root3 * s.sigma(t))))
        }
        return (tBase, Float(s.alpha(tBase) / s.alpha(t)))
    }

    /// The wrapped prior's count for the padded (and replicated) items.
    public func flops(itemShape: [Int], items: Int) -> Double? {
        guard itemShape.count == 3, replication(channels: itemShape[0]) != nil else { return nil }
        return base.flops(itemShape: baseShape(for: itemShape), items: items)
    }

    /// The wrapped prior's bytes for the padded items, plus the padded input (and cotangent),
    /// the cropped outputs and, with the VJP, the folded one.
    public func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? {
        guard itemShape.count == 3, replication(channels: itemShape[0]) != nil,
              let inner = base.workingBytes(itemShape: baseShape(for: itemShape), items: items, withVJP: withVJP) else { return nil }
        let padded = items * baseShape(for: itemShape).reduce(1, *), item = items * itemShape.reduce(1, *)
        return inner + MemoryLayout<Float>.size * (withVJP ? 2 * padded + 2 * item : padded + item)
    }
}
