import TensorCore

/// Maps the cotangent of a layer's output to the cotangent of its input.
typealias Pullback = (Tensor) -> Tensor

extension ResBlock {
    /// The forward pass and its input VJP (the embedding does not depend on the input).
    func withPullback(_ x: Tensor, _ embAct: Tensor) -> (Tensor, Pullback) {
        let hw = (x.shape[2], x.shape[3])
        var xr = x
        var h1 = inNorm(x, silu: true)
        switch resample {
        case .none: break
        case .up: h1 = h1.upsampledNearest2x(); xr = x.upsampledNearest2x()
        case .down: h1 = h1.averagePooled2x(); xr = x.averagePooled2x()
        }
        let rhw = (h1.shape[2], h1.shape[3])
        var h2 = inConv(h1)
        let e = embLinear(embAct)
        if !scaleShift { h2.addPerChannel(e) }
        let h3 = scaleShift ? outNorm(h2, scaleShift: e, silu: true) : outNorm(h2, silu: true)
        var y = outConv(h3)
        y += skip.map { $0(xr) } ?? xr
        let film: Tensor? = scaleShift ? e : nil
        return (y, { dy in
            let dh3 = outConv.inputGradient(dy, height: rhw.0, width: rhw.1)
            let dh2 = outNorm.inputGradient(h2, dh3, scaleShift: film, silu: true)
            var dh1 = inConv.inputGradient(dh2, height: rhw.0, width: rhw.1)
            var dxr = skip.map { $0.inputGradient(dy, height: rhw.0, width: rhw.1) } ?? dy
            switch resample {
            case .none: break
            case .up: dh1 = dh1.upsampledNearest2xGradient(); dxr = dxr.upsampledNearest2xGradient()
            case .down:
                dh1 = dh1.averagePooled2xGradient(height: hw.0, width: hw.1)
                dxr = dxr.averagePooled2xGradient(height: hw.0, width: hw.1)
            }
            var dx = inNorm.inputGradient(x, dh1, silu: true)
            dx += dxr
            return dx
        })
    }
}

extension AttentionBlock {
    func withPullback(_ x: Tensor) -> (Tensor, Pullback) {
        let normed = norm(x), q = qkv(normed)
        var y = proj(attention(q))
        y += x
        let (h, w) = (x.shape[2], x.shape[3])
        return (y, { dy in
            let da = proj.inputGradient(dy, height: h, width: w)
            let dq = attention.inputGradient(q, da)
            var dx = norm.inputGradient(x, qkv.inputGradient(dq, height: h, width: w))
            dx += dy
            return dx
        })
    }
}

extension UNetLayer {
    func withPullback(_ x: Tensor, _ embAct: Tensor) -> (Tensor, Pullback) {
        let (h, w) = (x.shape[2], x.shape[3])
        switch self {
        case let .conv(c): return (c(x), { c.inputGradient($0, height: h, width: w) })
        case let .res(r): return r.withPullback(x, embAct)
        case let .attention(a): return a.withPullback(x)
        case let .down(c):
            if let c { return (c(x), { c.inputGradient($0, height: h, width: w) }) }
            return (x.averagePooled2x(), { $0.averagePooled2xGradient(height: h, width: w) })
        case let .up(c):
            let u = x.upsampledNearest2x()
            if let c { return (c(u), { c.inputGradient($0, height: 2 * h, width: 2 * w).upsampledNearest2xGradient() }) }
            return (u, { $0.upsampledNearest2xGradient() })
        }
    }
}

/// Chains the pullbacks of a sequence of layers (applied in reverse).
func chain(_ pullbacks: [Pullback]) -> Pullback {
    { dy in pullbacks.reversed().reduce(dy) { d, pb in pb(d) } }
}
