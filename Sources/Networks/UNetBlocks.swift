import TensorCore

/// A residual block of the ADM U-Net (`ResBlock`), optionally resampling (up/down) on the way.
struct ResBlock: Sendable {
    enum Resample: Sendable { case none, up, down }
    let inNorm: GroupNorm
    let inConv: Conv2D
    let embLinear: Linear
    let outNorm: GroupNorm
    let outConv: Conv2D
    /// 1×1 convolution when the channel count changes; nil for identity.
    let skip: Conv2D?
    let resample: Resample
    let scaleShift: Bool

    init(_ p: String, _ w: inout WeightSource, cin: Int, cout: Int, embDim: Int, scaleShift: Bool, resample: Resample) throws {
        inNorm = try w.norm(p + ".in_layers.0", cin)
        inConv = try w.conv(p + ".in_layers.2", cin, cout, kernel: 3, padding: 1)
        embLinear = try w.linear(p + ".emb_layers.1", embDim, scaleShift ? 2 * cout : cout)
        outNorm = try w.norm(p + ".out_layers.0", cout)
        outConv = try w.conv(p + ".out_layers.3", cout, cout, kernel: 3, padding: 1)
        skip = cin == cout ? nil : try w.conv(p + ".skip_connection", cin, cout, kernel: 1, padding: 0)
        self.resample = resample
        self.scaleShift = scaleShift
    }

    /// skip(x) + out_layers(in_layers(x) ⊕ emb); `embAct` is SiLU(emb), `[N, embDim]`.
    func callAsFunction(_ x: Tensor, _ embAct: Tensor) -> Tensor {
        var x = x
        var h = LayerProfile.measure("groupnorm+silu") { inNorm(x, silu: true) }
        switch resample {
        case .none: break
        case .up: LayerProfile.measure("resample") { h = h.upsampledNearest2x(); x = x.upsampledNearest2x() }
        case .down: LayerProfile.measure("resample") { h = h.averagePooled2x(); x = x.averagePooled2x() }
        }
        h = LayerProfile.conv(inConv, h)
        let e = LayerProfile.measure("embedding", flops: 2 * Double(embAct.shape[0] * embLinear.inFeatures * embLinear.outFeatures)) {
            embLinear(embAct)
        }
        if scaleShift {
            h = LayerProfile.measure("groupnorm+film+silu") { outNorm(h, scaleShift: e, silu: true) }
        } else {
            LayerProfile.measure("residual add") { h.addPerChannel(e) }
            h = LayerProfile.measure("groupnorm+silu") { outNorm(h, silu: true) }
        }
        // the skip path (x, or its 1×1 projection) is summed into the output convolution's GEMMs
        return LayerProfile.conv(outConv, h, adding: skip.map { LayerProfile.conv($0, x) } ?? x)
    }

    func flops(_ n: Int, _ hgt: Int, _ wid: Int) -> Double {
        let (h2, w2) = resample == .up ? (2 * hgt, 2 * wid) : resample == .down ? (hgt / 2, wid / 2) : (hgt, wid)
        return inConv.flops(height: h2, width: w2, items: n) + outConv.flops(height: h2, width: w2, items: n)
            + (skip?.flops(height: h2, width: w2, items: n) ?? 0) + 2 * Double(n * embLinear.inFeatures * embLinear.outFeatures)
    }
}

/// Self-attention over the spatial positions (`AttentionBlock`): x + proj(attention(qkv(GN(x)))).
struct AttentionBlock: Sendable {
    let norm: GroupNorm
    let qkv: Conv2D
    let attention: QKVAttention
    let proj: Conv2D

    init(_ p: String, _ w: inout WeightSource, channels: Int, heads: Int, order: QKVAttention.Order) throws {
        norm = try w.norm(p + ".norm", channels)
        qkv = try w.conv1d(p + ".qkv", channels, 3 * channels)
        proj = try w.conv1d(p + ".proj_out", channels, channels)
        attention = QKVAttention(heads: heads, order: order)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let normed = LayerProfile.measure("groupnorm") { norm(x) }
        let q = LayerProfile.conv(qkv, normed)
        let t = Double(x.count / Swift.max(1, x.shape[0] * x.shape[1]))
        let a = LayerProfile.measure("attention (QK, softmax, AV)", flops: Double(x.shape[0]) * 4 * t * t * Double(norm.channels)) {
            attention(q)
        }
        return LayerProfile.conv(proj, a, adding: x)
    }

    func flops(_ n: Int, _ h: Int, _ w: Int) -> Double {
        let t = Double(h * w), c = Double(norm.channels)
        return qkv.flops(height: h, width: w, items: n) + proj.flops(height: h, width: w, items: n) + Double(n) * 4 * t * t * c
    }
}

/// One layer of a `TimestepEmbedSequential`.
enum UNetLayer: Sendable {
    case conv(Conv2D)
    case res(ResBlock)
    case attention(AttentionBlock)
    /// `Downsample`: a stride-2 3×3 convolution, or 2×2 average pooling when nil.
    case down(Conv2D?)
    /// `Upsample`: nearest ×2, then a 3×3 convolution unless nil.
    case up(Conv2D?)

    func callAsFunction(_ x: Tensor, _ embAct: Tensor) -> Tensor {
        switch self {
        case let .conv(c): return LayerProfile.conv(c, x)
        case let .res(r): return r(x, embAct)
        case let .attention(a): return a(x)
        case let .down(c): return c.map { LayerProfile.conv($0, x) } ?? LayerProfile.measure("resample") { x.averagePooled2x() }
        case let .up(c):
            let u = LayerProfile.measure("resample") { x.upsampledNearest2x() }
            return c.map { LayerProfile.conv($0, u) } ?? u
        }
    }

    /// Multiply–add FLOPs for input `[n, ·, h, w]`, and the output's spatial size.
    func flops(_ n: Int, _ h: Int, _ w: Int) -> (Double, Int, Int) {
        switch self {
        case let .conv(c): return (c.flops(height: h, width: w, items: n), h, w)
        case let .res(r):
            let s = r.resample == .up ? 2 : 1, d = r.resample == .down ? 2 : 1
            return (r.flops(n, h, w), h * s / d, w * s / d)
        case let .attention(a): return (a.flops(n, h, w), h, w)
        case let .down(c): return (c?.flops(height: h, width: w, items: n) ?? 0, h / 2, w / 2)
        case let .up(c): return (c?.flops(height: 2 * h, width: 2 * w, items: n) ?? 0, 2 * h, 2 * w)
        }
    }
}

extension Tensor {
    /// Adds `e` (`[N, C]`) to every position of `[N, C, …]`.
    mutating func addPerChannel(_ e: Tensor) {
        let n = shape[0], c = shape[1], spatial = count / Swift.max(1, n * c)
        precondition(e.shape == [n, c], "per-channel add of \(e.shape) to \(shape)")
        withUnsafeMutableBufferPointer { p in
            for i in 0..<(n * c) {
                let v = e.scalars[i], row = p.baseAddress! + i * spatial
                for j in 0..<spatial { row[j] += v }
            }
        }
    }
}
