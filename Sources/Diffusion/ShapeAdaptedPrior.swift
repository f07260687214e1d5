import TensorCore

/// An image prior made to accept images of any size, and gray images when it models colour
/// images only.
///
/// For an item `[C, h, w]` the wrapped prior sees x_t reflect-padded up to its size multiple m
/// (numpy's `reflect`, no edge pixel repeated, the padding split over both ends with the smaller
/// half on top/left, repeated reflection when the padding exceeds the image; see
/// `ReflectPadding`), and its outputs are cropped back to the item. A gray item `[1, h, w]` for
/// a prior that takes only 3 channels runs as the RGB image (g, g, g) and the three channels of
/// ε̂ and x̂0 are averaged back into one:
///
///     ε̂(x) = Avg(Crop(ε̂_base(Pad(Rep(x))))),  x̂0(x) = Avg(Crop(x̂0_base(Pad(Rep(x))))),
///
/// which stay consistent (x̂0 = (x_t − σ_t ε̂)/α_t holds for the wrapper as for the prior). The
/// VJP is exact for this composition: (∂x̂0/∂x)ᵀ v = Repᵀ Padᵀ J_baseᵀ Cropᵀ Avgᵀ v, where
/// Avgᵀ v puts v/3 in every channel, Cropᵀ zero-pads, Padᵀ folds the reflected margins back onto
/// the pixels they copy and Repᵀ sums the channels.
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
        return pad.cropped(base.epsilon(pad.padded(x), t: t, using: &rng)).reshaped(xt.shape)
    }

    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent shape \(v.shape) differs from x_t \(xt.shape)")
        let (x, pad) = batched(xt)
        if pad.isIdentity { return base.x0WithVJP(xt, t: t, cotangent: v, using: &rng) }
        let r = base.x0WithVJP(pad.padded(x), t: t, cotangent: pad.uncropped(v.reshaped(x.shape)), using: &rng)
        return (pad.cropped(r.x0).reshaped(xt.shape), pad.folded(r.vjp).reshaped(xt.shape))
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
