import Foundation
import Testing
import TensorCore
@testable import Networks

/// Parameter gradients (conv, linear, GroupNorm, the whole U-Net per parameter tensor)
/// against central finite differences.
struct ParameterGradientTests {
    static func randn(_ shape: [Int], _ seed: UInt64) -> Tensor { LayerTests.randn(shape, seed: seed) }
    static func dot(_ a: Tensor, _ b: Tensor) -> Double { VJPTests.dot(a, b) }
    static func moved(_ t: Tensor, _ u: Tensor, _ e: Float) -> Tensor { var r = t; r.add(u, scaledBy: e); return r }

    @Test(arguments: [(3, 5, 3, 1, 1, 9, 7), (4, 2, 3, 2, 1, 8, 8), (2, 3, 1, 1, 0, 5, 6), (3, 3, 5, 1, 2, 6, 6)])
    func convParameterGradients(_ a: (Int, Int, Int, Int, Int, Int, Int)) {
        let (ci, co, k, s, p, h, w) = a
        let wt = Self.randn([co, ci, k, k], 1), b = Self.randn([co], 2), x = Self.randn([2, ci, h, w], 3)
        let conv = Conv2D(weight: wt, bias: b, stride: s, padding: p)
        let v = Self.randn(conv(x).shape, 4)
        let (dw, db) = conv.parameterGradients(x, v)
        let uw = Self.randn(wt.shape, 5), ub = Self.randn(b.shape, 6), e: Float = 1e-2
        func f(_ w2: Tensor, _ b2: Tensor) -> Double { Self.dot(Conv2D(weight: w2, bias: b2, stride: s, padding: p)(x), v) }
        let fdW = (f(Self.moved(wt, uw, e), b) - f(Self.moved(wt, uw, -e), b)) / Double(2 * e)
        let fdB = (f(wt, Self.moved(b, ub, e)) - f(wt, Self.moved(b, ub, -e))) / Double(2 * e)
        #expect(abs(fdW - Self.dot(dw, uw)) <= 2e-3 * max(1, abs(fdW)), "weight \(fdW) vs \(Self.dot(dw, uw))")
        #expect(abs(fdB - Self.dot(db, ub)) <= 2e-3 * max(1, abs(fdB)), "bias \(fdB) vs \(Self.dot(db, ub))")
    }

    @Test func linearGradients() {
        let wt = Self.randn([5, 7], 1), b = Self.randn([5], 2), x = Self.randn([3, 7], 3), v = Self.randn([3, 5], 4)
        let g = Linear(weight: wt, bias: b).gradients(x, v)
        func f(_ w2: Tensor, _ b2: Tensor, _ x2: Tensor) -> Double { Self.dot(Linear(weight: w2, bias: b2)(x2), v) }
        let e: Float = 1e-2
        for (which, seed) in [(0, 5), (1, 6), (2, 7)] as [(Int, UInt64)] {
            let base = [wt, b, x][which], u = Self.randn(base.shape, seed)
            func at(_ s: Float) -> Double {
                let m = Self.moved(base, u, s)
                return f(which == 0 ? m : wt, which == 1 ? m : b, which == 2 ? m : x)
            }
            let fd = (at(e) - at(-e)) / Double(2 * e), an = Self.dot([g.weight, g.bias, g.input][which], u)
            #expect(abs(fd - an) <= 2e-3 * max(1, abs(fd)), "part \(which): \(fd) vs \(an)")
        }
    }

    @Test(arguments: [(false, false), (true, true), (false, true), (true, false)])
    func groupNormGradients(_ a: (Bool, Bool)) {
        let (ss, silu) = a
        let c = 64, x = Self.randn([2, c, 3, 4], 4) * 2 + 0.5
        let gamma = Self.randn([c], 5) * 0.3 + 1, beta = Self.randn([c], 6), film = Self.randn([2, 2 * c], 7) * 0.3
        let v = Self.randn(x.shape, 8)
        let g = GroupNorm(weight: gamma, bias: beta).gradients(x, v, scaleShift: ss ? film : nil, silu: silu)
        func f(_ parts: [Tensor]) -> Double {
            Self.dot(GroupNorm(weight: parts[1], bias: parts[2])(parts[0], scaleShift: ss ? parts[3] : nil, silu: silu), v)
        }
        let base = [x, gamma, beta, film], grads = [g.input, g.weight, g.bias, g.scaleShift ?? film]
        for which in 0..<(ss ? 4 : 3) {
            let u = Self.randn(base[which].shape, UInt64(20 + which)), e: Float = 1e-2
            var p = base, m = base
            p[which] = Self.moved(base[which], u, e); m[which] = Self.moved(base[which], u, -e)
            let fd = (f(p) - f(m)) / Double(2 * e), an = Self.dot(grads[which], u)
            #expect(abs(fd - an) <= 3e-3 * max(1, abs(fd)), "ss \(ss) silu \(silu) part \(which): \(fd) vs \(an)")
        }
    }

    static let configs: [UNetConfig] = [
        UNetConfig(imageSize: 8, modelChannels: 64, outChannels: 3, numResBlocks: 1, attentionResolutions: [2], channelMult: [1, 2]),
        UNetConfig(imageSize: 8, modelChannels: 64, outChannels: 6, numResBlocks: 1, attentionResolutions: [1, 2], channelMult: [1, 1],
                   numHeadChannels: 32, useScaleShiftNorm: true, resblockUpdown: true, useNewAttentionOrder: true),
        UNetConfig(imageSize: 8, modelChannels: 64, outChannels: 3, numResBlocks: 1, attentionResolutions: [], channelMult: [1, 1],
                   convResample: false),
    ]

    /// Every parameter tensor of the network: ⟨∂⟨v, f⟩/∂θ_k, u⟩ vs the central difference along u.
    @Test(arguments: 0..<3)
    func unetParameterGradientsMatchFiniteDifferences(_ index: Int) throws {
        let config = Self.configs[index]
        var state: [String: Tensor] = [:]
        var rng = SeededGenerator(seed: 9)
        let shapes = try UNetModel.parameterShapes(config: config)
        for (key, shape) in shapes {   // N(0,1)/√fan-in weights, N(0,1)·0.3 biases and norms (γ around 1)
            var w = Random.normal(shape, using: &rng)
            if shape.count > 1 { w *= 1 / Float(shape.dropFirst().reduce(1, *)).squareRoot() } else { w *= 0.3 }
            if key.hasSuffix(".weight") && shape.count == 1 { w += 1 }
            state[key] = w
        }
        let net = try UNetModel(config: config, stateDict: state)
        let x = Self.randn([2, 3, 8, 8], 11), t: [Float] = [17, 640]
        let (out, pullback) = net.withParameterPullback(x, t: t)
        let v = Self.randn(out.shape, 12)
        let (dx, grads) = pullback(v)
        // the input gradient agrees with the input-only VJP
        let dxRef = net.withPullback(x, t: t).pullback(v)
        #expect(zip(dx.scalars, dxRef.scalars).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
        let magnitude = zip(out.scalars, v.scalars).reduce(0.0) { $0 + abs(Double($1.0 * $1.1)) }
        func loss(_ s: [String: Tensor]) throws -> Double { Self.dot(try UNetModel(config: config, stateDict: s)(x, t: t), v) }
        var failures: [String] = []
        var resolved = 0   // keys whose gradient stands clearly above the finite-difference noise
        for (i, (key, shape)) in shapes.enumerated() {
            let g = try #require(grads.tensors[key], "no gradient for \(key)")
            #expect(g.shape == shape)
            // along the gradient's direction (fd ≈ ‖g‖) and along a random direction
            let gnorm = Double(g.norm())
            var r = Self.randn(shape, UInt64(100 + i))
            r *= 1 / r.norm()
            let e = 2e-3 * max(state[key]!.norm(), 0.1)
            if gnorm > 10 * 1e-6 * magnitude / Double(e) { resolved += 1 }
            for u in gnorm > 0 ? [g * Float(1 / gnorm), r] : [r] {
                var p = state, m = state
                p[key] = Self.moved(state[key]!, u, e); m[key] = Self.moved(state[key]!, u, -e)
                let fd = (try loss(p) - loss(m)) / Double(2 * e), an = Self.dot(g, u)
                // float32 rounding of the loss, amplified by 1/(2e)
                let floor = 1e-6 * magnitude / Double(e)
                if abs(fd - an) > 3e-2 * gnorm + floor { failures.append("\(key): fd \(fd) vs \(an) (|g| \(gnorm), floor \(floor))") }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(resolved >= shapes.count * 9 / 10, "only \(resolved) of \(shapes.count) gradients resolved")
    }
}
