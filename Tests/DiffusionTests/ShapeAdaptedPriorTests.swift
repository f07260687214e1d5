import Testing
import TensorCore
@testable import Diffusion

/// An exact image prior for tests: a Gaussian mixture on the flattened images of one shape
/// `[C, H, W]`, declared as taking sides that are multiples of `multiple` (it is only ever
/// called with that one shape).
final class FlatImageGMMPrior: DiffusionPrior {
    let gmm: GaussianMixturePrior
    let shape: [Int]
    let multiple: Int
    let name = "flat gmm"
    var schedule: NoiseSchedule { gmm.schedule }
    var dataShape: DataShape { .image(channels: [shape[0]], multiple: multiple) }

    init(shape: [Int], multiple: Int, components: Int, seed: UInt64) throws {
        let d = shape.reduce(1, *)
        var rng = SeededGenerator(seed: seed)
        var cov: [Float] = []
        for _ in 0..<components {
            let b = Random.normal([d, d], using: &rng)
            var c = Linalg.matmul(b, b, transposeB: true) * (0.2 / Float(d))
            for i in 0..<d { c.scalars[i * d + i] += 0.05 }
            cov += c.scalars
        }
        gmm = try GaussianMixturePrior(weights: Random.uniform([components], in: 0.3...1, using: &rng),
                                       means: Random.normal([components, d], using: &rng) * 0.3,
                                       covariances: Tensor(shape: [components, d, d], scalars: cov))
        self.shape = shape
        self.multiple = multiple
    }

    private func flat(_ x: Tensor) -> Tensor {
        precondition(Array(x.shape.dropFirst()) == shape, "flat gmm of \(shape) got \(x.shape)")
        return x.reshaped([x.shape[0], shape.reduce(1, *)])
    }

    func epsilon(_ xt: Tensor, t: Int, using rng: inout SeededGenerator) -> Tensor {
        gmm.epsilon(flat(xt), t: t, using: &rng).reshaped(xt.shape)
    }

    func x0WithVJP(_ xt: Tensor, t: Int, cotangent v: Tensor, using rng: inout SeededGenerator) -> (x0: Tensor, vjp: Tensor) {
        let r = gmm.x0WithVJP(flat(xt), t: t, cotangent: flat(v), using: &rng)
        return (r.x0.reshaped(xt.shape), r.vjp.reshaped(xt.shape))
    }

    func flops(itemShape: [Int], items: Int) -> Double? { Double(items * itemShape.reduce(1, *)) }
    func workingBytes(itemShape: [Int], items: Int, withVJP: Bool) -> Int? { items * itemShape.reduce(1, *) * (withVJP ? 2 : 1) }
}

/// numpy's `reflect` by its definition: reflect about the edge pixels until inside.
func numpyReflect(_ i: Int, _ n: Int) -> Int {
    guard n > 1 else { return 0 }
    var j = i
    while j < 0 || j >= n { j = j < 0 ? -j : 2 * (n - 1) - j }
    return j
}

/// Reference padding, written independently of `ReflectPadding`: `[N, C, h, w]` →
/// `[N, C·k, h + top + bottom, w + left + right]`.
func referencePadded(_ x: Tensor, top: Int, bottom: Int, left: Int, right: Int, replicate k: Int = 1) -> Tensor {
    let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], ph = h + top + bottom, pw = w + left + right
    var out = Tensor.zeros([n, c * k, ph, pw])
    for i in 0..<n { for ch in 0..<(c * k) { for r in 0..<ph { for s in 0..<pw {
        out.scalars[((i * c * k + ch) * ph + r) * pw + s] = x[i, ch / k, numpyReflect(r - top, h), numpyReflect(s - left, w)]
    } } } }
    return out
}

/// Reference crop with channel averaging: the inverse view of `referencePadded`.
func referenceCropped(_ y: Tensor, top: Int, left: Int, height h: Int, width w: Int, replicate k: Int = 1) -> Tensor {
    let n = y.shape[0], ck = y.shape[1]
    var out = Tensor.zeros([n, ck / k, h, w])
    for i in 0..<n { for ch in 0..<(ck / k) { for r in 0..<h { for s in 0..<w {
        var acc: Float = 0
        for j in 0..<k { acc += y[i, ch * k + j, r + top, s + left] }
        out.scalars[((i * (ck / k) + ch) * h + r) * w + s] = acc / Float(k)
    } } } }
    return out
}

struct ShapeAdaptedPriorTests {
    static func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }

    /// `np.pad(np.arange(n), (before, after), 'reflect')`, printed by numpy 1.26.
    @Test(arguments: [
        (3, 7, 10, [1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0]),
        (5, 13, 14, [3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2]),
        (1, 2, 3, [0, 0, 0, 0, 0, 0]),
        (2, 2, 3, [0, 1, 0, 1, 0, 1, 0]),
    ])
    func reflectionMatchesNumpy(n: Int, before: Int, after: Int, expected: [Int]) {
        let got = (0..<(n + before + after)).map { ReflectPadding.reflect($0 - before, n) }
        #expect(got == expected)
        #expect(got == (0..<(n + before + after)).map { numpyReflect($0 - before, n) })
    }

    /// Sizes become multiples, the padding splits with the smaller half first, pad/fold and
    /// crop/uncrop are adjoint pairs, and the crop undoes the padding; including a padding
    /// larger than the image (5 → 32) and one-pixel sides.
    @Test(arguments: [(5, 7, 8, 1), (37, 29, 8, 1), (5, 3, 32, 1), (1, 2, 4, 3), (6, 9, 4, 3), (16, 8, 8, 1), (1, 1, 8, 1)])
    func paddingMapsAreAdjoint(h: Int, w: Int, multiple: Int, replication: Int) {
        let p = ReflectPadding(height: h, width: w, multiple: multiple, replication: replication)
        #expect(p.paddedHeight % multiple == 0 && p.paddedWidth % multiple == 0)
        #expect(p.paddedHeight - h < multiple && p.paddedWidth - w < multiple)
        #expect(p.bottom - p.top >= 0 && p.bottom - p.top <= 1 && p.right - p.left >= 0 && p.right - p.left <= 1)
        var rng = SeededGenerator(seed: 1)
        let c = replication == 3 ? 1 : 2
        let x = Random.normal([2, c, h, w], using: &rng), g = Random.normal([2, c * replication, p.paddedHeight, p.paddedWidth], using: &rng)
        let padded = p.padded(x)
        #expect(padded == referencePadded(x, top: p.top, bottom: p.bottom, left: p.left, right: p.right, replicate: replication))
        let lhs = Self.dot(padded, g), rhs = Self.dot(x, p.folded(g))
        #expect(abs(lhs - rhs) <= 1e-4 * max(1, abs(lhs)), "pad: \(lhs) vs \(rhs)")
        let v = Random.normal(x.shape, using: &rng)
        let lhs2 = Self.dot(p.cropped(g), v), rhs2 = Self.dot(g, p.uncropped(v))
        #expect(abs(lhs2 - rhs2) <= 1e-4 * max(1, abs(lhs2)), "crop: \(lhs2) vs \(rhs2)")
        #expect((p.cropped(padded) - x).maxAbs() <= 1e-6)
    }

    @Test func fittingPriorsAreReturnedAsTheyAre() throws {
        let prior = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 2, seed: 1)
        #expect(try ShapeAdaptedPrior.adapting(prior, to: [3, 8, 8]) === prior)
        let adapted = try ShapeAdaptedPrior.adapting(prior, to: [3, 5, 7])
        #expect(adapted !== prior && adapted.dataShape == .image(channels: [1, 3], multiple: 1))
        #expect(try ShapeAdaptedPrior.adapting(adapted, to: [1, 3, 2]) === adapted)   // already adapted
        #expect((adapted as? ShapeAdaptedPrior)?.baseShape(for: [1, 5, 7]) == [3, 8, 8])
    }

    /// ε̂ is the crop of the prior's ε̂ on the reflected image, exactly; for a gray image, Tweedie's
    /// ε̂ at t of the channel mean of the prior's x̂0 at the matched time t' on (k·g, k·g, k·g)
    /// plus the colour noise (up to rounding); x̂0 of the VJP call agrees with ε̂ through Tweedie.
    @Test(arguments: [[3, 5, 7], [1, 5, 7], [1, 8, 8], [3, 8, 6]])
    func outputsAreThePriorOnTheReflectedImage(shape: [Int]) throws {
        let base = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 3, seed: 2)
        let prior = try ShapeAdaptedPrior.adapting(base, to: shape)
        var rng = SeededGenerator(seed: 3)
        let x = Random.normal([2] + shape, using: &rng), t = 300
        let k = shape[0] == 1 ? 3 : 1, top = (8 - shape[1]) / 2, left = (8 - shape[2]) / 2
        let eps = prior.epsilon(x, t: t, using: &rng)
        #expect(eps.shape == x.shape)
        if k == 1 {
            let padded = referencePadded(x, top: top, bottom: 8 - shape[1] - top, left: left, right: 8 - shape[2] - left)
            #expect(eps == referenceCropped(base.epsilon(padded, t: t, using: &rng), top: top, left: left, height: shape[1], width: shape[2]))
        } else {
            let adapted = try #require(prior as? ShapeAdaptedPrior)
            let (tBase, scale) = adapted.grayTime(t)
            let input = adapted.grayInput(x, pad: adapted.layout(shape), t: t, tBase: tBase, scale: scale)
            let x0 = referenceCropped(base.x0(input, t: tBase, using: &rng), top: top, left: left, height: shape[1], width: shape[2], replicate: 3)
            let ref = prior.schedule.epsilon(fromX0: x0, xt: x, t: t)
            #expect((eps - ref).maxAbs() <= 1e-5 * max(1, ref.maxAbs()))
        }
        let x0 = prior.x0WithVJP(x, t: t, cotangent: x, using: &rng).x0
        #expect((x0 - prior.schedule.x0(fromEpsilon: eps, xt: x, t: t)).maxAbs() <= 1e-4)
        // one item without the batch axis
        let single = prior.epsilon(x.item(0), t: t, using: &rng)
        #expect(single.shape == shape && (single - eps.item(0)).maxAbs() <= 1e-5)
    }

    /// A gray x_t replicated into RGB has √3 times the noise-to-signal ratio along the gray axis:
    /// the network is asked at the time with that ratio (to the schedule's spacing), on the
    /// image scaled to that time's signal, with unit-variance colour noise at that time's level
    /// that leaves the gray axis alone.
    @Test(arguments: [0, 5, 50, 300, 700])
    func grayItemsAreAskedAtTheMatchedTime(t: Int) throws {
        let base = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 2, seed: 6)
        let prior = try #require(try ShapeAdaptedPrior.adapting(base, to: [1, 8, 8]) as? ShapeAdaptedPrior)
        let s = prior.schedule
        let (tBase, scale) = prior.grayTime(t)
        let target = 3.0.squareRoot() * s.inverseSNR(t)
        for neighbour in [tBase - 1, tBase + 1] where neighbour >= 0 && neighbour < s.count {
            #expect(abs(s.inverseSNR(tBase) - target) <= abs(s.inverseSNR(neighbour) - target))
        }
        #expect(tBase > t && abs(Double(scale) - s.alpha(tBase) / s.alpha(t)) < 1e-6)
        var rng = SeededGenerator(seed: 7)
        let x = Random.normal([4, 1, 8, 8], using: &rng)
        let pad = prior.layout([1, 8, 8])
        let colour = prior.grayInput(x, pad: pad, t: t, tBase: tBase, scale: scale) - pad.padded(x * scale)
        var meanAbs = 0.0, power = 0.0
        for b in 0..<4 { for p in 0..<64 {
            let v = (0..<3).map { Double(colour[b, $0, p / 8, p % 8]) }
            meanAbs = max(meanAbs, abs(v.reduce(0, +)))
            power += v.map { $0 * $0 }.reduce(0, +)
        }}
        // 2 of 3 directions carry noise of variance σ_{t'}²
        let sigma = s.sigma(tBase), perDirection = power / (4 * 64 * 2)
        #expect(meanAbs <= 1e-5 * max(1, sigma))
        #expect(abs(perDirection.squareRoot() / sigma - 1) < 0.12)
        // a fixed field: the same input gives the same output
        #expect(prior.grayInput(x, pad: pad, t: t, tBase: tBase, scale: scale) == prior.grayInput(x, pad: pad, t: t, tBase: tBase, scale: scale))
    }

    /// The VJP is the adjoint of crop∘prior∘pad (folded reflections, v/3 per replicated channel,
    /// channels summed): against the same composition written out with the reference padding,
    /// and against central finite differences of ⟨x̂0(x), v⟩.
    @Test(arguments: [([3, 5, 7], 300), ([1, 5, 7], 300), ([1, 6, 3], 50), ([3, 7, 8], 700)])
    func vjpIsTheAdjointOfTheComposition(shape: [Int], t: Int) throws {
        let base = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 3, seed: 4)
        let prior = try ShapeAdaptedPrior.adapting(base, to: shape)
        var rng = SeededGenerator(seed: 5)
        let a = Float(prior.schedule.alpha(t))
        let x = Random.normal([1] + shape, using: &rng) * a * 0.5, v = Random.normal(x.shape, using: &rng)
        let (_, vjp) = prior.x0WithVJP(x, t: t, cotangent: v, using: &rng)

        // Reference: J_baseᵀ applied to the explicitly uncropped cotangent, folded back by hand
        // (for a gray item at the matched time, on the scaled image with its colour noise, times k).
        let k = shape[0] == 1 ? 3 : 1, top = (8 - shape[1]) / 2, left = (8 - shape[2]) / 2
        let adapted = try #require(prior as? ShapeAdaptedPrior)
        let (tBase, scale) = k == 3 ? adapted.grayTime(t) : (t, 1)
        let padded = k == 3 ? adapted.grayInput(x, pad: adapted.layout(shape), t: t, tBase: tBase, scale: scale)
            : referencePadded(x, top: top, bottom: 8 - shape[1] - top, left: left, right: 8 - shape[2] - left)
        var cot = Tensor.zeros(padded.shape)
        for ch in 0..<(3) { for r in 0..<shape[1] { for s in 0..<shape[2] {
            cot.scalars[(ch * 8 + r + top) * 8 + s + left] = v[0, ch / k, r, s] / Float(k)
        } } }
        let inner = base.x0WithVJP(padded, t: tBase, cotangent: cot, using: &rng).vjp * scale
        var ref = Tensor.zeros(x.shape)
        for ch in 0..<3 { for r in 0..<8 { for s in 0..<8 {
            let i = (ch / k * shape[1] + numpyReflect(r - top, shape[1])) * shape[2] + numpyReflect(s - left, shape[2])
            ref.scalars[i] += inner[0, ch, r, s]
        } } }
        #expect((vjp - ref).maxAbs() <= 1e-5 * max(1, ref.maxAbs()), "max error \((vjp - ref).maxAbs())")

        for direction in 0..<2 {
            let u = Random.normal(x.shape, using: &rng), h = 1e-2 * a
            let fp = prior.x0(x + u * h, t: t, using: &rng), fm = prior.x0(x - u * h, t: t, using: &rng)
            let fd = Self.dot(fp - fm, v) / (2 * Double(h)), got = Self.dot(vjp, u)
            #expect(abs(got - fd) <= 1e-2 * max(1, abs(fd)), "direction \(direction): \(got) vs \(fd)")
        }
    }

    @Test func shapesThatCannotBeAdaptedThrow() throws {
        let rgb = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 1, seed: 6)
        let vector = try GaussianMixturePrior(weights: .ones([1]), means: .zeros([1, 4]), covariances: Tensor(shape: [1, 4, 4], scalars: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]))
        let flat = try PatchGMM(side: 2, weights: .ones([1]), means: .zeros([1, 4]), covariances: Tensor(shape: [1, 4, 4], scalars: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]))
        let grayOnly = try PatchMixturePrior(luma: flat, chroma: nil, stride: 1)
        func message(_ prior: any DiffusionPrior, _ shape: [Int]) -> String? {
            do { _ = try ShapeAdaptedPrior.adapting(prior, to: shape); return nil } catch let e as PriorError { return e.description } catch { return "\(error)" }
        }
        #expect(message(vector, [4]) == nil)
        #expect(message(vector, [1, 2, 2])?.contains("vectors of dimension 4") == true)
        #expect(message(rgb, [2, 5, 5]) == "prior 'flat gmm' takes images with 3 channels; got 2 channels (only 1-channel images can be run as RGB)")
        #expect(message(rgb, [5, 5]) == "prior 'flat gmm' takes images [C, H, W] with positive sides; got shape [5, 5]")
        #expect(message(rgb, [3, 0, 5]) != nil)
        #expect(message(grayOnly, [3, 5, 5]) == "prior 'natural' takes gray images (1 channel); got 3 channels (load the image with `gray`)")
        #expect(message(grayOnly, [1, 5, 5]) == nil)
    }

    @Test func forwardsNameScheduleSpreadFlopsAndMemory() throws {
        let base = try FlatImageGMMPrior(shape: [3, 8, 8], multiple: 8, components: 1, seed: 7)
        let prior = try ShapeAdaptedPrior.adapting(base, to: [1, 5, 7])
        #expect(prior.name == base.name && prior.schedule.alphaBar(500) == base.schedule.alphaBar(500) && prior.dataSpread == base.dataSpread)
        #expect(prior.supportsVJP)
        let flops = try #require(prior.flops(itemShape: [1, 5, 7], items: 2))
        #expect(flops == Double(2 * 3 * 64))   // the padded RGB items
        #expect(prior.flops(itemShape: [2, 5, 7], items: 2) == nil)
        let plain = try #require(prior.workingBytes(itemShape: [1, 5, 7], items: 2, withVJP: false))
        let vjp = try #require(prior.workingBytes(itemShape: [1, 5, 7], items: 2, withVJP: true))
        #expect(plain == 2 * 192 + 4 * (2 * 192 + 2 * 35))   // base + padded input + cropped output
        #expect(vjp == 4 * 192 + 4 * (4 * 192 + 4 * 35))
    }
}
