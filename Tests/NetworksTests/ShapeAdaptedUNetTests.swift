@testable import Diffusion
import Foundation
import Testing
import TensorCore
@testable import Networks

/// The U-Net through `ShapeAdaptedPrior`: odd sizes by reflect padding, gray images as RGB.
struct ShapeAdaptedUNetTests {
    /// A random network with sides a multiple of 8 (four levels), attention at 4x and in the middle.
    static func randomPrior(seed: UInt64 = 11) throws -> UNetPrior {
        let c = UNetConfig(imageSize: 16, modelChannels: 32, outChannels: 3, numResBlocks: 1, attentionResolutions: [4],
                           channelMult: [1, 1, 1, 1], numHeads: 2, useScaleShiftNorm: true, resblockUpdown: true)
        return try UNetPrior(model: try UNetModel.random(config: c, seed: seed))
    }

    /// `np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), 'reflect')`, channels repeated
    /// k times, written with numpy's iterative definition.
    static func reflectPadded(_ x: Tensor, to ph: Int, _ pw: Int, replicate k: Int = 1) -> (Tensor, Int, Int) {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3], top = (ph - h) / 2, left = (pw - w) / 2
        func reflect(_ i: Int, _ n: Int) -> Int { var j = i; while j < 0 || j >= n { j = j < 0 ? -j : 2 * (n - 1) - j }; return j }
        var out = Tensor.zeros([x.shape[0], c * k, ph, pw])
        for i in 0..<x.shape[0] { for ch in 0..<(c * k) { for r in 0..<ph { for s in 0..<pw {
            out.scalars[((i * c * k + ch) * ph + r) * pw + s] = x[i, ch / k, reflect(r - top, h), reflect(s - left, w)]
        } } } }
        return (out, top, left)
    }

    /// ε̂ of a 37×29 image is the network on the reflect-padded 40×32 image, cropped: exactly
    /// for RGB; for a gray image, Tweedie's ε̂ at t of the channel mean of the network's x̂0 at
    /// the matched time on the scaled (g, g, g) padded, with its colour noise.
    @Test(arguments: [3, 1])
    func oddImagesAreTheNetworkOnTheReflectedImage(channels: Int) throws {
        let unet = try Self.randomPrior()
        let prior = try ShapeAdaptedPrior.adapting(unet, to: [channels, 37, 29])
        var rng = SeededGenerator(seed: 12)
        let x = Random.normal([1, channels, 37, 29], using: &rng)
        let k = channels == 1 ? 3 : 1
        let adapted = try #require(prior as? ShapeAdaptedPrior)
        let (tBase, scale) = k == 3 ? adapted.grayTime(250) : (250, 1)
        var (padded, top, left) = Self.reflectPadded(x * scale, to: 40, 32, replicate: k)
        if k == 3 { padded = adapted.grayInput(x, pad: adapted.layout([1, 37, 29]), t: 250, tBase: tBase, scale: scale) }
        let full = k == 1 ? unet.epsilon(padded, t: 250, using: &rng) : unet.x0(padded, t: tBase, using: &rng)
        var ref = Tensor.zeros(x.shape)
        for ch in 0..<channels { for r in 0..<37 { for s in 0..<29 {
            var acc: Float = 0
            for j in 0..<k { acc += full[0, ch * k + j, r + top, s + left] }
            ref.scalars[(ch * 37 + r) * 29 + s] = acc / Float(k)
        } } }
        if k == 3 { ref = unet.schedule.epsilon(fromX0: ref, xt: x, t: 250) }
        let eps = prior.epsilon(x, t: 250, using: &rng)
        if k == 1 { #expect(eps == ref) } else { #expect((eps - ref).maxAbs() <= 1e-5 * max(1, ref.maxAbs())) }
    }

    /// Away from the padding, a padded odd image gets the ε̂ the network gives the unpadded
    /// multiple-of-8 image it was cut from, up to the network's global reach: GroupNorm
    /// statistics and attention see the whole image, so a different extent changes ε̂ everywhere
    /// a little, with or without padding.
    ///
    /// The noisy 64×64 demo image and its 61×59 crop at (1, 2), which the wrapper pads back to
    /// 64×64 on the same 8-pixel grid (top 1, left 2) with reflections where the image had its
    /// own pixels. Errors relative to the RMS of ε̂, on the crop's pixels at least 8 from its
    /// border. Measured (t = 200 / 600): shipped network RMS 0.0089 / 0.0071, max 0.051 / 0.029
    /// (0.055 / 0.013 RMS with the border); random weights RMS 0.12 / 0.22, max 0.92 / 1.13. The
    /// baseline, the network on the unpadded 56×56 top-left crop against the 64×64 image on the
    /// same pixels (no padding at all), differs by more: RMS 0.0135 / 0.0130 shipped,
    /// 0.36 / 0.31 random. So padding costs less than the change of extent itself; the bounds
    /// are that, and twice the measured errors.
    @Test(arguments: [(true, 200), (true, 600), (false, 200), (false, 600)])
    func interiorMatchesTheUnpaddedImage(shipped: Bool, t: Int) throws {
        let unet = shipped ? try UNetPrior.shipped(stdlib: ShippedUNetTests.stdlib) : try Self.randomPrior()
        let clean = try Image.load(path: ShippedUNetTests.stdlib + "/images/astronaut-64.png") * 2 - 1
        var rng = SeededGenerator(seed: 13)
        let a = Float(unet.schedule.alpha(t)), s = Float(unet.schedule.sigma(t))
        let xt = (clean * a + Random.normal(clean.shape, using: &rng) * s).reshaped([1, 3, 64, 64])
        let full = unet.epsilon(xt, t: t, using: &rng)
        let viaPadding = try ShapeAdaptedPrior.adapting(unet, to: [3, 61, 59])
            .epsilon(xt.cropped(top: 1, left: 2, height: 61, width: 59), t: t, using: &rng)
        let smaller = unet.epsilon(xt.cropped(top: 0, left: 0, height: 56, width: 56), t: t, using: &rng)
        let rms = (full.squaredNorm() / Double(full.count)).squareRoot()
        func errors(_ a: Tensor, _ b: Tensor) -> (max: Double, rms: Double) {
            let d = a - b
            return (Double(d.maxAbs()) / rms, (d.squaredNorm() / Double(d.count)).squareRoot() / rms)
        }
        let inner = errors(viaPadding.cropped(top: 8, left: 8, height: 45, width: 43), full.cropped(top: 9, left: 10, height: 45, width: 43))
        let border = errors(viaPadding, full.cropped(top: 1, left: 2, height: 61, width: 59))
        let baseline = errors(smaller.cropped(top: 8, left: 8, height: 40, width: 40), full.cropped(top: 8, left: 8, height: 40, width: 40))
        let (maxBound, rmsBound) = shipped ? (0.1, 0.02) : (2.3, 0.45)
        #expect(inner.max <= maxBound && inner.rms <= rmsBound, "shipped \(shipped) t \(t): interior \(inner)")
        #expect(inner.rms <= baseline.rms && inner.rms <= border.rms, "shipped \(shipped) t \(t): \(inner) vs unpadded crop \(baseline), with border \(border)")
    }

    /// The VJP through padding (and gray replication) against central finite differences.
    @Test(arguments: [([3, 13, 11], 50), ([1, 13, 11], 600), ([3, 5, 3], 300)])
    func vjpMatchesFiniteDifferences(shape: [Int], t: Int) throws {
        let prior = try ShapeAdaptedPrior.adapting(try Self.randomPrior(seed: 14), to: shape)
        var rng = SeededGenerator(seed: 15)
        let x = VJPTests.randn([1] + shape, 16), v = VJPTests.randn(x.shape, 17), u = VJPTests.randn(x.shape, 18)
        let (x0, g) = prior.x0WithVJP(x, t: t, cotangent: v, using: &rng)
        #expect((x0 - prior.x0(x, t: t, using: &rng)).maxAbs() <= 1e-5 * max(1, x0.maxAbs()))
        // Richardson's extrapolation of central differences at h and 2h cancels their h² error:
        // the small padded images (and a gray item asked at t' > t, where x̂0 = (x' − σ ε̂)/α
        // amplifies the curvature by 1/α) are too curved for one step, too noisy for a tiny one
        let (fd, an) = VJPTests.fdCheckRichardson(x, u, v, eps: 4e-3, { prior.x0($0, t: t, using: &rng) }, vjp: g)
        #expect(abs(fd - an) <= 1e-2 * max(1, abs(fd)), "\(shape) t \(t): \(fd) vs \(an)")
    }

    /// The memory estimate grows with the items and the size (beyond a fixed im2col scratch),
    /// and the VJP's (every activation kept) is several times the forward pass's.
    @Test func workingBytesGrowWithItemsAndSize() throws {
        let prior = try UNetPrior.shipped(stdlib: ShippedUNetTests.stdlib)
        let one = try #require(prior.workingBytes(itemShape: [3, 64, 64], items: 1, withVJP: false))
        let two = try #require(prior.workingBytes(itemShape: [3, 64, 64], items: 2, withVJP: false))
        let big = try #require(prior.workingBytes(itemShape: [3, 128, 128], items: 1, withVJP: false))
        let vjp = try #require(prior.workingBytes(itemShape: [3, 64, 64], items: 1, withVJP: true))
        #expect(two > one && two < 2 * one && vjp > 2 * one)
        #expect(big - one >= 3 * (two - one))   // the part that grows: 4× the pixels
        #expect(prior.workingBytes(itemShape: [64], items: 1, withVJP: false) == nil)
    }
}
