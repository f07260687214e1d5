import Foundation
import Testing
import TensorCore
@testable import Networks
import Diffusion

/// Hand-written backward passes against adjoint identities and central finite differences.
struct VJPTests {
    static func dot(_ a: Tensor, _ b: Tensor) -> Double { zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
    static func randn(_ shape: [Int], _ seed: UInt64) -> Tensor { LayerTests.randn(shape, seed: seed) }

    /// ⟨g(u)⟩ vs the central difference of ⟨f(x + εu), v⟩.
    static func fdCheck(_ x: Tensor, _ u: Tensor, _ v: Tensor, eps: Float, _ f: (Tensor) -> Tensor, vjp: Tensor) -> (Double, Double) {
        var xp = x, xm = x
        xp.add(u, scaledBy: eps)
        xm.add(u, scaledBy: -eps)
        let fd = (dot(f(xp), v) - dot(f(xm), v)) / (2 * Double(eps))
        return (fd, dot(vjp, u))
    }

    /// `fdCheck` with Richardson's extrapolation (4·D(h) − D(2h))/3 of the central differences
    /// D at h and 2h: O(h⁴) truncation error instead of O(h²).
    static func fdCheckRichardson(_ x: Tensor, _ u: Tensor, _ v: Tensor, eps: Float, _ f: (Tensor) -> Tensor,
                                  vjp: Tensor) -> (Double, Double) {
        let (d1, an) = fdCheck(x, u, v, eps: eps, f, vjp: vjp), (d2, _) = fdCheck(x, u, v, eps: 2 * eps, f, vjp: vjp)
        return ((4 * d1 - d2) / 3, an)
    }

    @Test(arguments: [(3, 5, 3, 1, 1, 9, 7), (4, 2, 3, 2, 1, 8, 8), (2, 3, 1, 1, 0, 5, 6), (3, 3, 5, 1, 2, 6, 6), (2, 2, 3, 2, 0, 9, 9)])
    func convInputGradientIsTheAdjoint(_ a: (Int, Int, Int, Int, Int, Int, Int)) {
        let (ci, co, k, s, p, h, w) = a
        let conv = Conv2D(weight: Self.randn([co, ci, k, k], 1), bias: nil, stride: s, padding: p)
        let x = Self.randn([2, ci, h, w], 2)
        let y = conv(x)
        let dy = Self.randn(y.shape, 3)
        let dx = conv.inputGradient(dy, height: h, width: w)
        #expect(dx.shape == x.shape)
        let lhs = Self.dot(y, dy), rhs = Self.dot(x, dx)
        #expect(abs(lhs - rhs) <= 1e-4 * max(1, abs(lhs)), "\(lhs) vs \(rhs)")
    }

    @Test func groupNormGradientMatchesFiniteDifferences() {
        let c = 64, x = Self.randn([2, c, 3, 4], 4) * 2 + 0.5
        let norm = GroupNorm(weight: Self.randn([c], 5) * 0.3 + 1, bias: Self.randn([c], 6))
        let film = Self.randn([2, 2 * c], 7) * 0.3
        for (ss, silu) in [(false, false), (true, true), (false, true)] {
            let f = { (z: Tensor) in norm(z, scaleShift: ss ? film : nil, silu: silu) }
            let u = Self.randn(x.shape, 8), v = Self.randn(x.shape, 9)
            let g = norm.inputGradient(x, v, scaleShift: ss ? film : nil, silu: silu)
            let (fd, an) = Self.fdCheck(x, u, v, eps: 1e-2, f, vjp: g)
            #expect(abs(fd - an) <= 2e-3 * max(1, abs(an)), "ss \(ss) silu \(silu): \(fd) vs \(an)")
        }
    }

    @Test(arguments: [QKVAttention.Order.legacy, .splitFirst])
    func attentionGradientMatchesFiniteDifferences(order: QKVAttention.Order) {
        let att = QKVAttention(heads: 2, order: order)
        let qkv = Self.randn([2, 3 * 8, 3, 4], 10)
        let v = Self.randn([2, 8, 3, 4], 11), u = Self.randn(qkv.shape, 12)
        let g = att.inputGradient(qkv, v)
        let (fd, an) = Self.fdCheck(qkv, u, v, eps: 1e-2, { att($0) }, vjp: g)
        #expect(abs(fd - an) <= 2e-3 * max(1, abs(an)), "\(fd) vs \(an)")
    }

    @Test func elementwiseAndResamplingGradients() {
        let x = Self.randn([2, 3, 5, 7], 13), dy = Self.randn([2, 3, 10, 14], 14)
        #expect(abs(Self.dot(x.upsampledNearest2x(), dy) - Self.dot(x, dy.upsampledNearest2xGradient())) < 1e-3)
        let dp = Self.randn([2, 3, 2, 3], 15)
        #expect(abs(Self.dot(x.averagePooled2x(), dp) - Self.dot(x, dp.averagePooled2xGradient(height: 5, width: 7))) < 1e-4)
        let u = Self.randn(x.shape, 16), v = Self.randn(x.shape, 17)
        let (fd, an) = Self.fdCheck(x, u, v, eps: 1e-2, { $0.silu() }, vjp: x.siluGradient(v))
        #expect(abs(fd - an) <= 1e-3 * max(1, abs(an)))
        let (a, b) = x.concatenatedChannels(u).splitChannels(3)
        #expect(a == x && b == u)
    }

    /// The whole network: adm-tiny (scale-shift, resblock up/down, legacy attention) and a
    /// configuration with conv resampling, no scale-shift and the new attention order.
    @Test(arguments: [true, false])
    func unetPullbackMatchesFiniteDifferences(fixture: Bool) throws {
        let model: UNetModel
        if fixture {
            model = try UNetModel(contentsOf: ADMTinyFixtureTests.dir + "/model.safetensors")
        } else {
            model = try UNetModel.random(config: UNetConfig(imageSize: 16, modelChannels: 32, outChannels: 6, numResBlocks: 1,
                                                            attentionResolutions: [1, 2], channelMult: [1, 2], numHeads: 2,
                                                            useNewAttentionOrder: true), seed: 7)
        }
        let shape = fixture ? [1, 3, 16, 16] : [2, 3, 8, 12]
        let x = Self.randn(shape, 20), u = Self.randn(shape, 21)
        let t: [Float] = fixture ? [400] : [30, 700]
        let (out, pullback) = model.withPullback(x, t: t)
        #expect(out == model(x, t: t))
        let v = Self.randn(out.shape, 22)
        let (fd, an) = Self.fdCheck(x, u, v, eps: 1e-2, { model($0, t: t) }, vjp: pullback(v))
        #expect(abs(fd - an) <= 1e-2 * max(1, abs(an)), "\(fd) vs \(an)")
    }

    @Test func priorX0VJPMatchesFiniteDifferences() throws {
        let prior = try UNetPrior(contentsOf: ADMTinyFixtureTests.dir + "/model.safetensors")
        var rng = SeededGenerator(seed: 0)
        let x = Self.randn([2, 3, 8, 8], 30), v = Self.randn(x.shape, 31), u = Self.randn(x.shape, 32)
        for t in [50, 600] {
            let (x0, g) = prior.x0WithVJP(x, t: t, cotangent: v, using: &rng)
            #expect(x0 == prior.x0(x, t: t, using: &rng))
            let (fd, an) = Self.fdCheck(x, u, v, eps: 2e-3, { prior.x0($0, t: t, using: &rng) }, vjp: g)
            #expect(abs(fd - an) <= 1e-2 * max(1, abs(an)), "t \(t): \(fd) vs \(an)")
        }
    }
}
