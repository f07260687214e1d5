import TensorCore

/// The data a prior accepts.
public enum DataShape: Sendable, Equatable, CustomStringConvertible {
    /// Images `[C, H, W]` with C in `channels` (nil: any) and H, W multiples of `multiple`.
    case image(channels: [Int]?, multiple: Int)
    /// Vectors `[dim]`.
    case vector(dim: Int)

    public var description: String {
        switch self {
        case let .image(c, m):
            return "images" + (c.map { " with \($0.map(String.init).joined(separator: " or ")) channels" } ?? "")
                + (m > 1 ? ", sides a multiple of \(m)" : "")
        case let .vector(d): return "vectors of dimension \(d)"
        }
    }

    /// Nil when an item of `shape` is accepted, else the reason.
    public func mismatch(_ shape: [Int]) -> String? {
        switch self {
        case let .image(c, m):
            guard shape.count == 3 else { return "the prior takes \(self), got shape \(shape)" }
            if let c, !c.contains(shape[0]) {
                let hint = c == [3] && shape[0] == 1 ? " (load a colour image, without `gray`)" : ""
                return "the prior takes \(self), got \(shape[0]) channels" + hint
            }
            if shape[1] % m != 0 || shape[2] % m != 0 {
                let w = shape[2] / m * m, h = shape[1] / m * m
                let hint = w > 0 && h > 0 ? " (try `crop \(w)x\(h)`)" : ""
                return "the prior takes \(self), got \(shape[2])x\(shape[1])" + hint
            }
            return nil
        case let .vector(d):
            return shape == [d] ? nil : "the prior takes \(self), got shape \(shape)"
        }
    }
}

/// A diffusion prior on the variance-preserving schedule: anything that answers ε̂(x_t, t),
/// Tweedie's x̂0(x_t, t) and the vector–Jacobian product of x̂0.
///
/// All methods take batches `[N, item…]` in model space (images in [-1, 1]). Stochastic priors
/// (for example a patch prior with a random grid shift) draw from the given generator only.
public protocol DiffusionPrior: AnyObject, Sendable {
    /// A short name, for example `"gmm grid dim=8"`.
    var name: String { get }
    /// The schedule the prior was trained for.
    var schedule: NoiseSchedule { get }
    /// The items it accepts.
    var dataShape: DataShape { get }
    /// The predicted noise ε̂(x_t, t) for a batch `[N, …]`.
    func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor
    /// Tweedie's estimate x̂0 and the vector–Jacobian product `(∂x̂0/∂x_t)ᵀ v`.
    func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor)
    /// Floating-point operations of one `epsilon` call on `items` items of `shape` (for
    /// throughput figures); nil when unknown.
    func flops(itemShape: [Int], items: Int) -> Double?
    /// The bytes one call allocates at its peak on top of its inputs, its outputs included:
    /// `epsilon` on `items` items of `itemShape`, or `x0WithVJP` when `withVJP` (an estimate
    /// for refusing work that would not fit in memory); nil when unknown.
    func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int?
    /// The spread (standard deviation per coordinate) of the data the prior models, in model
    /// units. Images in [-1, 1] count as 0.5, the scale the papers' step sizes are tuned for.
    var dataSpread: Double { get }
}

extension DiffusionPrior {
    /// Tweedie's estimate x̂0 = (x_t − σ_t ε̂)/α_t.
    public func x0(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        schedule.x0(fromEpsilon: epsilon(xt, t: t, using: &rng), xt: xt, t: t)
    }
    public func flops(itemShape: [Int], items: Int) -> Double? { nil }
    public func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? { nil }
    public var dataSpread: Double { DiffusionPriorScale.image }
}

/// Reference scales for `DiffusionPrior.dataSpread`.
public enum DiffusionPriorScale {
    /// The per-pixel spread the papers' settings assume: images in [-1, 1].
    public static let image = 0.5
}
