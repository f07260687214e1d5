import TensorCore

/// Maps the cotangent of a layer's output to the cotangent of its input, adding the
/// parameter gradients (under the layer's PyTorch prefix) and the cotangent of SiLU(emb).
typealias TrainingPullback = (Tensor, inout ParameterGradients, inout Tensor) -> Tensor

extension ResBlock {
    /// The forward pass and its full pullback (input, parameters, embedding); `p` is the key prefix.
    func withTrainingPullback(_ p: String, _ x: Tensor, _ embAct: Tensor) -> (Tensor, TrainingPullback) {
        let tr = trace(x, embAct)
        let (h, w) = (x.shape[2], x.shape[3]), rhw = (tr.h1.shape[2], tr.h1.shape[3])
        let me = self
        return (tr.y, { dy, grads, dEmbAct in
            grads.add(p + ".out_layers.3", conv: me.outConv, input: tr.h3, cotangent: dy)
            let dh3 = me.outConv.inputGradient(dy, height: rhw.0, width: rhw.1)
            let gn = me.outNorm.gradients(tr.h2, dh3, scaleShift: tr.film, silu: true)
            grads.add(p + ".out_layers.0", norm: (gn.weight, gn.bias))
            let dh2 = gn.input
            // the cotangent of e = embLinear(SiLU(emb))
            let de: Tensor
            if let dfilm = gn.scaleShift { de = dfilm } else { de = dh2.sumPerChannel() }
            let lin = me.embLinear.gradients(embAct, de)
            grads.add(p + ".emb_layers.1.weight", lin.weight)
            grads.add(p + ".emb_layers.1.bias", lin.bias)
            dEmbAct += lin.input
            grads.add(p + ".in_layers.2", conv: me.inConv, input: tr.h1, cotangent: dh2)
            let dh1 = me.inConv.inputGradient(dh2, height: rhw.0, width: rhw.1)
            var dxr = dy
            if let s = me.skip {
                grads.add(p + ".skip_connection", conv: s, input: tr.xr, cotangent: dy)
                dxr = s.inputGradient(dy, height: rhw.0, width: rhw.1)
            }
            let (dn, ds) = me.resampleGradient(dh1, dxr, height: h, width: w)
            let gi = me.inNorm.gradients(x, dn, silu: true)
            grads.add(p + ".in_layers.0", norm: (gi.weight, gi.bias))
            var dx = gi.input
            dx += ds
            return dx
        })
    }
}

extension AttentionBlock {
    func withTrainingPullback(_ p: String, _ x: Tensor) -> (Tensor, TrainingPullback) {
        let normed = norm(x), q = qkv(normed), a = attention(q)
        var y = proj(a)
        y += x
        let me = self
        return (y, { dy, grads, _ in
            let (h, w) = (x.shape[2], x.shape[3])
            grads.add(p + ".proj_out", conv: me.proj, input: a, cotangent: dy)
            let da = me.proj.inputGradient(dy, height: h, width: w)
            let dq = me.attention.inputGradient(q, da)
            grads.add(p + ".qkv", conv: me.qkv, input: normed, cotangent: dq)
            let gn = me.norm.gradients(x, me.qkv.inputGradient(dq, height: h, width: w))
            grads.add(p + ".norm", norm: (gn.weight, gn.bias))
            var dx = gn.input
            dx += dy
            return dx
        })
    }
}

extension UNetLayer {
    /// `p` is the layer's prefix (`input_blocks.3.1`, …).
    func withTrainingPullback(_ p: String, _ x: Tensor, _ embAct: Tensor) -> (Tensor, TrainingPullback) {
        let (h, w) = (x.shape[2], x.shape[3])
        switch self {
        case let .conv(c):
            return (c(x), { dy, g, _ in g.add(p, conv: c, input: x, cotangent: dy); return c.inputGradient(dy, height: h, width: w) })
        case let .res(r): return r.withTrainingPullback(p, x, embAct)
        case let .attention(a): return a.withTrainingPullback(p, x)
        case let .down(c):
            if let c {
                return (c(x), { dy, g, _ in g.add(p + ".op", conv: c, input: x, cotangent: dy); return c.inputGradient(dy, height: h, width: w) })
            }
            return (x.averagePooled2x(), { dy, _, _ in dy.averagePooled2xGradient(height: h, width: w) })
        case let .up(c):
            let u = x.upsampledNearest2x()
            if let c {
                return (c(u), { dy, g, _ in
                    g.add(p + ".conv", conv: c, input: u, cotangent: dy)
                    return c.inputGradient(dy, height: 2 * h, width: 2 * w).upsampledNearest2xGradient()
                })
            }
            return (u, { dy, _, _ in dy.upsampledNearest2xGradient() })
        }
    }
}

extension Tensor {
    /// Σ over the positions of `[N, C, …]`, giving `[N, C]`.
    func sumPerChannel() -> Tensor {
        let n = shape[0], c = shape[1], spatial = count / Swift.max(1, n * c)
        var out = [Float](repeating: 0, count: n * c)
        withUnsafeBufferPointer { p in
            for i in 0..<(n * c) {
                var s: Float = 0
                let row = p.baseAddress! + i * spatial
                for j in 0..<spatial { s += row[j] }
                out[i] = s
            }
        }
        return Tensor(shape: [n, c], scalars: out)
    }
}
