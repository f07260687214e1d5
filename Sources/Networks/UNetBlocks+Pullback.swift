import TensorCore

/// Maps the cotangent of a layer's output to the cotangent of its input.
typealias Pullback = (Tensor) -> Tensor

/// The activations of one `ResBlock` forward pass that its pullbacks need.
struct ResBlockTrace {
    /// The skip branch's input (x, resampled).
    let xr: Tensor
    /// SiLU(GN(x)), resampled.
    let h1: Tensor
    /// inConv(h1), plus the embedding unless it modulates the norm.
    let h2: Tensor
    /// SiLU(GN(h2)), modulated by the embedding when `scaleShift`.
    let h3: Tensor
    /// The embedding's scale and shift `[N, 2C]` when `scaleShift`, else nil.
    let film: Tensor?
    let y: Tensor
}

extension ResBlock {
    /// The forward pass, keeping the activations both pullbacks use.
    func trace(_ x: Tensor, _ embAct: Tensor) -> ResBlockTrace {
        var xr = x
        var h1 = inNorm(x, silu: true)
        switch resample {
        case .none: break
        case .up: h1 = h1.upsampledNearest2x(); xr = x.upsampledNearest2x()
        case .down: h1 = h1.averagePooled2x(); xr = x.averagePooled2x()
        }
        var h2 = inConv(h1)
        let e = embLinear(embAct)
        if !scaleShift { h2.addPerChannel(e) }
        let h3 = scaleShift ? outNorm(h2, scaleShift: e, silu: true) : outNorm(h2, silu: true)
        let y = outConv(h3, adding: skip.map { $0(xr) } ?? xr)   // as the forward pass sums it
        return ResBlockTrace(xr: xr, h1: h1, h2: h2, h3: h3, film: scaleShift ? e : nil, y: y)
    }

    /// The VJP of the resampling for both branches (inner `dh1`, skip `dxr`), back to the
    /// input's `height × width`.
    func resampleGradient(_ dh1: Tensor, _ dxr: Tensor, height: Int, width: Int) -> (Tensor, Tensor) {
        switch resample {
        case .none: return (dh1, dxr)
        case .up: return (dh1.upsampledNearest2xGradient(), dxr.upsampledNearest2xGradient())
        case .down:
            return (dh1.averagePooled2xGradient(height: height, width: width), dxr.averagePooled2xGradient(height: height, width: width))
        }
    }

    /// The forward pass and its input VJP (the embedding does not depend on the input).
    func withPullback(_ x: Tensor, _ embAct: Tensor) -> (Tensor, Pullback) {
        let tr = trace(x, embAct)
        let (h, w) = (x.shape[2], x.shape[3]), rhw = (tr.h1.shape[2], tr.h1.shape[3])
        return (tr.y, { dy in
            let dh3 = outConv.inputGradient(dy, height: rhw.0, width: rhw.1)
            let dh2 = outNorm.inputGradient(tr.h2, dh3, scaleShift: tr.film, silu: true)
            let dh1 = inConv.inputGradient(dh2, height: rhw.0, width: rhw.1)
            let dxr = skip.map { $0.inputGradient(dy, height: rhw.0, width: rhw.1) } ?? dy
            let (dn, ds) = resampleGradient(dh1, dxr, height: h, width: w)
            var dx = inNorm.inputGradient(x, dn, silu: true)
            dx += ds
            return dx
        })
    }
}

extension AttentionBlock {
    func withPullback(_ x: Tensor) -> (Tensor, Pullback) {
        let normed = norm(x), q = qkv(normed)
        let y = proj(attention(q), adding: x)
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
