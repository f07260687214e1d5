import TensorCore

/// A DnCNN denoiser (Zhang et al., IEEE TIP 2017) with scico 0.0.7's pretrained weights.
///
/// Architecture (scico `DnCNNNet`): 3×3 convolutions without bias and with circular padding;
/// conv → ReLU; (depth − 2) × [conv → batch norm (running statistics, ε = 1e-5) → ReLU]; a last
/// conv; output = input − network(input). The `N` variant takes `[x, σ·1]` (2 channels) and
/// returns channel 0. Images are gray `[1, H, W]` in [0, 1] units.
public struct DnCNN: Sendable {
    /// The pretrained variants: trained at one noise level (L/M/H) or noise-conditional (N).
    public enum Variant: String, Sendable, CaseIterable {
        case low = "L", medium = "M", high = "H", conditional = "N"
        /// The training noise level in [0, 1] units (nil for the conditional variant).
        public var trainingSigma: Float? {
            switch self { case .low: 0.06; case .medium: 0.1; case .high: 0.2; case .conditional: nil }
        }
    }

    /// One hidden layer: convolution, then a per-channel affine map (folded batch norm), then ReLU.
    struct Layer: Sendable {
        let conv: CircularConvolution
        let adjointConv: CircularConvolution
        /// Folded batch norm: y = a·x + b per channel (a = 1, b = 0 for the first layer).
        let scale: [Float], shift: [Float]
    }

    public let depth: Int
    public let variant: Variant
    let layers: [Layer]
    let last: CircularConvolution
    let lastAdjoint: CircularConvolution

    /// The largest noise level (in [0, 1] units) the network is valid for.
    public var maxSigma: Float { variant.trainingSigma ?? 0.2 }

    /// Loads a converted weight file (`Scripts/convert-dncnn.py` layout).
    /// - Throws: `DenoiserError.format` naming the file, the tensor and the expected shape.
    public init(contentsOf path: String) throws {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch { throw DenoiserError.file(path: path, message: "\(error)") }
        guard file.metadata["kind"] == "dncnn" else {
            throw DenoiserError.format(path: path, message: "not a DnCNN weight file (metadata kind=\(file.metadata["kind"] ?? "none"), expected dncnn)")
        }
        guard let depth = file.metadata["depth"].flatMap(Int.init), depth >= 3,
              let variant = file.metadata["variant"].flatMap(Variant.init(rawValue:)) else {
            throw DenoiserError.format(path: path, message: "metadata needs depth (≥ 3) and variant (L, M, H or N)")
        }
        func get(_ name: String, _ shape: [Int]) throws -> Tensor {
            do { return try file.tensor(name, shape: shape, path: path) } catch { throw DenoiserError.format(path: path, message: "\(error)") }
        }
        let cin = variant == .conditional ? 2 : 1
        let width = 64
        let first = try get("conv_start", [3, 3, cin, width])
        var layers = [Layer(conv: CircularConvolution(kernel: first), adjointConv: CircularConvolution(kernel: first).adjoint,
                            scale: [Float](repeating: 1, count: width), shift: [Float](repeating: 0, count: width))]
        for i in 0..<(depth - 2) {
            let k = try get("block\(i).kernel", [3, 3, width, width])
            let g = try get("block\(i).scale", [width]), b = try get("block\(i).bias", [width])
            let m = try get("block\(i).mean", [width]), v = try get("block\(i).var", [width])
            var a = [Float](repeating: 0, count: width), c = [Float](repeating: 0, count: width)
            for j in 0..<width {
                a[j] = g[flat: j] / (v[flat: j] + 1e-5).squareRoot()
                c[j] = b[flat: j] - m[flat: j] * a[j]
            }
            let conv = CircularConvolution(kernel: k)
            layers.append(Layer(conv: conv, adjointConv: conv.adjoint, scale: a, shift: c))
        }
        let end = try get("conv_end", [3, 3, width, cin])
        self.depth = depth
        self.variant = variant
        self.layers = layers
        self.last = CircularConvolution(kernel: end)
        self.lastAdjoint = last.adjoint
    }

    /// The network input: `x` or `[x, σ·1]` for the conditional variant.
    func input(_ x: Tensor, sigma: Float) -> Tensor {
        guard variant == .conditional else { return x }
        let (_, h, w) = x.imageGeometry
        return Tensor(shape: [2, h, w], scalars: x.scalars + [Float](repeating: sigma, count: h * w))
    }

    /// Denoises a gray image `[1, H, W]` in [0, 1] units.
    /// - Parameter sigma: the noise level (used by the conditional variant only).
    public func denoise(_ x: Tensor, sigma: Float) -> Tensor {
        forward(x, sigma: sigma, keep: false).output
    }

    /// The forward pass; with `keep`, also the post-ReLU activations (for the VJP).
    func forward(_ x: Tensor, sigma: Float, keep: Bool) -> (output: Tensor, activations: [Tensor]) {
        precondition(x.rank == 3 && x.shape[0] == 1, "DnCNN takes gray images [1, H, W], got \(x.shape)")
        var h = input(x, sigma: sigma)
        var kept: [Tensor] = []
        for layer in layers {
            h = layer.conv(h)
            Self.affineReLU(&h, layer.scale, layer.shift)
            if keep { kept.append(h) }
        }
        let r = last(h)
        let (_, hh, ww) = x.imageGeometry
        return (x - Tensor(shape: [1, hh, ww], scalars: Array(r.scalars.prefix(hh * ww))), kept)
    }

    /// The denoised image and the vector–Jacobian product `(∂D/∂x)ᵀ v` (reverse mode through
    /// every layer; the σ input of the conditional variant is a constant).
    public func denoiseWithVJP(_ x: Tensor, sigma: Float, cotangent v: Tensor) -> (output: Tensor, vjp: Tensor) {
        let (out, acts) = forward(x, sigma: sigma, keep: true)
        let (_, h, w) = x.imageGeometry
        let cout = last.outChannels
        var g = Tensor.zeros([cout, h, w])
        g.scalars.replaceSubrange(0..<(h * w), with: v.scalars)
        g = lastAdjoint(g)
        for (i, layer) in layers.enumerated().reversed() {
            Self.reluAffineBackward(&g, activation: acts[i], scale: layer.scale)
            g = layer.adjointConv(g)
        }
        // D(x) = x − r(x): the VJP is v − (∂r/∂x)ᵀ v, channel 0 of the input gradient.
        let vjp = v - Tensor(shape: [1, h, w], scalars: Array(g.scalars.prefix(h * w)))
        return (out, vjp)
    }

    /// Multiply–adds of one pass over an `h × w` image.
    public func flops(height h: Int, width w: Int) -> Double {
        layers.reduce(0) { $0 + $1.conv.flops(height: h, width: w) } + last.flops(height: h, width: w)
    }

    /// In place: h ← max(a_c·h + b_c, 0) per channel.
    static func affineReLU(_ h: inout Tensor, _ a: [Float], _ b: [Float]) {
        let c = h.shape[0], n = h.count / c
        h.withUnsafeMutableBufferPointer { p in
            let base = UncheckedSendable(p.baseAddress!)
            Parallel.forEach(c) { ch in
                let q = base.value + ch * n, s = a[ch], t = b[ch]
                for i in 0..<n { q[i] = Swift.max(q[i] * s + t, 0) }
            }
        }
    }

    /// In place: g ← a_c·g where the activation is positive, 0 elsewhere.
    static func reluAffineBackward(_ g: inout Tensor, activation: Tensor, scale a: [Float]) {
        let c = g.shape[0], n = g.count / c
        activation.withUnsafeBufferPointer { act in
            g.withUnsafeMutableBufferPointer { p in
                let base = UncheckedSendable(p.baseAddress!), ab = UncheckedSendable(act.baseAddress!)
                Parallel.forEach(c) { ch in
                    let q = base.value + ch * n, z = ab.value + ch * n, s = a[ch]
                    for i in 0..<n { q[i] = z[i] > 0 ? q[i] * s : 0 }
                }
            }
        }
    }
}
