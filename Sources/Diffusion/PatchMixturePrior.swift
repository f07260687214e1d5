import TensorCore

/// The natural-image prior: patch Gaussian mixtures (EPLL, Zoran & Weiss 2011) made into a
/// diffusion prior.
///
/// At time t the image x_t/α_t = x0 + s·n has noise level s = σ_t/α_t. Every patch of a grid
/// with stride `stride` (shifted at random per call by the generator) is replaced by its exact
/// posterior mean under the patch mixture with covariances C_k + s²I, overlapping estimates are
/// averaged (every pixel is covered by (side/stride)² patches; borders are mirror-padded so
/// images of any size work), which gives x̂0, and ε̂ = (x_t − α_t x̂0)/σ_t. The VJP of x̂0 is
/// exact for the grid drawn in that call (hand-written reverse mode through the same steps).
///
/// Colour: RGB images are rotated into an orthonormal opponent space
/// Y = (R+G+B)/√3, C1 = (R−B)/√2, C2 = (R−2G+B)/√6 — an orthogonal map, so the noise stays white
/// with the same level s — and Y is denoised by the `luma` mixture, C1 and C2 by the `chroma`
/// mixture. A grayscale image g is the luminance of the RGB image (g, g, g): Y = √3 g, at
/// noise √3 s.
public final class PatchMixturePrior: DiffusionPrior {
    public let name: String
    public let schedule: NoiseSchedule
    /// The mixture for luminance patches.
    public let luma: PatchGMM
    /// The mixture for chroma patches (nil: grayscale only).
    public let chroma: PatchGMM?
    /// The grid stride (divides the patch side).
    public let stride: Int
    /// Patches per denoising GEMM batch.
    let chunk = 256

    public var dataShape: DataShape { .image(channels: chroma == nil ? [1] : [1, 3], multiple: 1) }
    /// The patch side.
    public var side: Int { luma.side }

    /// Creates the prior from its mixtures.
    /// - Throws: `PriorError.invalid` when the sides differ or `stride` does not divide the side.
    public init(luma: PatchGMM, chroma: PatchGMM?, stride: Int, schedule: NoiseSchedule = .linear(), name: String = "natural") throws {
        guard chroma == nil || chroma?.side == luma.side else { throw PriorError.invalid("luma and chroma patch sides differ (\(luma.side) vs \(chroma?.side ?? 0))") }
        guard stride >= 1, luma.side % stride == 0 else {
            throw PriorError.invalid("the stride must divide the patch side \(luma.side), got \(stride)")
        }
        self.luma = luma
        self.chroma = chroma
        self.stride = stride
        self.schedule = schedule
        self.name = name
    }

    public func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        let x0 = run(xt, t: t, cotangent: nil, using: &rng).x0
        return schedule.epsilon(fromX0: x0, xt: xt, t: t)
    }

    public func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(v.shape == xt.shape, "cotangent shape \(v.shape) differs from x_t \(xt.shape)")
        let r = run(xt, t: t, cotangent: v, using: &rng)
        return (r.x0, r.vjp)
    }

    /// Patches per plane for an image of `h × w`.
    func patchCount(h: Int, w: Int) -> Int { positions(h, offset: 0).count * positions(w, offset: 0).count }

    public func flops(itemShape: [Int], items: Int) -> Double? {
        guard itemShape.count == 3 else { return nil }
        let n = patchCount(h: itemShape[1], w: itemShape[2])
        let perItem = itemShape[0] == 3 ? luma.flops(patches: n) + 2 * (chroma?.flops(patches: n) ?? 0) : luma.flops(patches: n)
        return Double(items) * perItem
    }

    /// x̂0 and ε̂ (`[N, C, H, W]` each), one item's colour planes and their estimates, the patch
    /// batch of one GEMM and its projections onto all K eigenbases; with the VJP also the VJP,
    /// the cotangent planes and their patch batches.
    public func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? {
        guard itemShape.count == 3 else { return nil }
        let d = itemShape.reduce(1, *), p = side * side, k = Swift.max(luma.count, chroma?.count ?? 0)
        let perChunk = chunk * (p + k * p + 2 * k)   // patches, projections, responsibilities
        let floats = withVJP ? 2 * items * d + 4 * d + 2 * perChunk + chunk * p
                             : 2 * items * d + 2 * d + perChunk
        return floats * MemoryLayout<Float>.size
    }

    /// Top-left corners, in padded coordinates (padding = side), of the grid patches that touch
    /// `0..<n` for a grid offset `offset`.
    func positions(_ n: Int, offset: Int) -> [Int] {
        Array(Swift.stride(from: offset, through: n + side - 1, by: stride)).filter { $0 >= 1 }
    }

    /// One-shot denoising in model space: the aggregated patch posterior means of `y` = x + s·n
    /// (`[N, C, H, W]` or `[C, H, W]`, noise level `noiseLevel` = s in model units, i.e. twice the
    /// level in [0, 1] units), on a grid shifted at random by `rng`.
    public func denoise(_ y: Tensor, noiseLevel s: Float, using rng: inout SeededGenerator) -> Tensor {
        precondition(s >= 0, "the noise level must be ≥ 0")
        return run(y, alpha: 1, noise: s, cotangent: nil, using: &rng).x0
    }

    /// x̂0 (and the VJP) for a batch `[N, C, H, W]` or one image `[C, H, W]` at time t.
    func run(_ xt: Tensor, t: Int, cotangent v: Tensor?, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        precondition(t >= 0 && t < schedule.count, "t must lie in 0..<\(schedule.count)")
        return run(xt, alpha: Float(schedule.alpha(t)), noise: Float(schedule.inverseSNR(t)), cotangent: v, using: &rng)
    }

    /// x̂0 = D(x_t/α; s) and its VJP (1/α)·J_Dᵀ v.
    func run(_ xt: Tensor, alpha a: Float, noise s: Float, cotangent v: Tensor?, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        let itemShape = xt.rank == 4 ? Array(xt.shape.dropFirst()) : xt.shape
        precondition(dataShape.mismatch(itemShape) == nil, dataShape.mismatch(itemShape) ?? "")
        let n = xt.rank == 4 ? xt.shape[0] : 1
        let c = itemShape[0], h = itemShape[1], w = itemShape[2], plane = h * w
        var x0 = Tensor.zeros(like: xt)
        var vjp = v == nil ? Tensor.zeros([0]) : Tensor.zeros(like: xt)
        var planes = [Float](repeating: 0, count: c * plane), out = planes
        var cot = v == nil ? [] : planes, grad = cot
        for item in 0..<n {
            let oy = Int(rng.next() % UInt64(stride)), ox = Int(rng.next() % UInt64(stride))
            let base = item * c * plane
            xt.withUnsafeBufferPointer { xp in
                Colour.forward(xp.baseAddress! + base, into: &planes, channels: c, plane: plane, scale: 1 / a)
            }
            if let v {
                v.withUnsafeBufferPointer { vp in
                    Colour.forward(vp.baseAddress! + base, into: &cot, channels: c, plane: plane, scale: c == 3 ? 1 : 1 / 3)
                }
            }
            for ch in 0..<c {
                let model = ch == 0 ? luma : (chroma ?? luma)
                let noise = c == 3 ? s : s * Float(3).squareRoot()
                denoisePlane(model, planes: &planes, out: &out, cot: &cot, grad: &grad, offset: ch * plane,
                             h: h, w: w, noise: noise, oy: oy, ox: ox, withVJP: v != nil)
            }
            x0.withUnsafeMutableBufferPointer { p in Colour.inverse(out, into: p.baseAddress! + base, channels: c, plane: plane, scale: 1) }
            if v != nil {
                vjp.withUnsafeMutableBufferPointer { p in
                    Colour.inverse(grad, into: p.baseAddress! + base, channels: c, plane: plane, scale: (c == 3 ? 1 : 3) / a)
                }
            }
        }
        return (x0, vjp)
    }
}
