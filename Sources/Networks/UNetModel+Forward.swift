import TensorCore

extension UNetModel {
    /// The forward pass: the output `[N, out, H, W]` for inputs `[N, in, H, W]` at times `t`.
    /// - Parameters:
    ///   - classes: one label per item for a class-conditional network, else nil.
    ///   - observe: called with named intermediates (`emb_sinusoidal`, `emb`, `h_input<i>`,
    ///     `h_middle`, `h_output<i>`) for testing; nil in normal use.
    /// - Precondition: `validate(x, t:, classes:)` passes.
    ///
    /// A batch of more than `itemsPerPass` items runs as consecutive passes over chunks of that
    /// many items (the outputs are the same: items never interact), so large images keep one
    /// item's activations in the caches and large batches hold one chunk's activations at a time.
    public func callAsFunction(_ x: Tensor, t: [Float], classes: [Int]? = nil,
                               observe: ((String, Tensor) -> Void)? = nil) -> Tensor {
        let n = x.shape[0], chunk = itemsPerPass(height: x.shape[2], width: x.shape[3])
        guard n > chunk, observe == nil else { return pass(x, t: t, classes: classes, observe: observe) }
        let parts = stride(from: 0, to: n, by: chunk).map { lo in
            let hi = Swift.min(lo + chunk, n)
            return pass(x.items(lo..<hi), t: Array(t[lo..<hi]), classes: classes.map { Array($0[lo..<hi]) }, observe: nil)
        }
        return Tensor.concatenated(parts)
    }

    /// The pixels (items × height × width) one forward pass takes at most.
    ///
    /// Measured with the shipped network (`red-bench networks`): four items in one pass cost
    /// 0.70× the time per item of one at 32², 0.84× at 64² and 0.96× at 128² (the GEMMs of the
    /// small layers grow), but 1.07–1.10× at 256², where one item's GEMMs are already large and
    /// four items' activations no longer stay in the caches between layers.
    public static let pixelsPerPass = 1 << 16

    /// The items of `height × width` one forward pass takes (at least 1).
    public func itemsPerPass(height: Int, width: Int) -> Int {
        Swift.max(1, Self.pixelsPerPass / Swift.max(1, height * width))
    }

    /// One forward pass over the whole batch `x`.
    private func pass(_ x: Tensor, t: [Float], classes: [Int]?, observe: ((String, Tensor) -> Void)?) -> Tensor {
        let sinusoid = TimestepEmbedding.sinusoidal(t, dim: config.modelChannels)
        observe?("emb_sinusoidal", sinusoid)
        var emb = LayerProfile.measure("embedding") { timeEmbed2(timeEmbed0(sinusoid).silu()) }
        if let table = labelEmbedding, let y = classes {
            let d = config.timeEmbedDim
            for (i, label) in y.enumerated() { for j in 0..<d { emb.scalars[i * d + j] += table.scalars[label * d + j] } }
        }
        observe?("emb", emb)
        let embAct = emb.silu()

        var h = x
        var stack: [Tensor] = []
        stack.reserveCapacity(inputBlocks.count)
        for (i, block) in inputBlocks.enumerated() {
            for layer in block { h = layer(h, embAct) }
            observe?("h_input\(i)", h)
            stack.append(h)
        }
        for layer in middleBlock { h = layer(h, embAct) }
        observe?("h_middle", h)
        for (i, block) in outputBlocks.enumerated() {
            h = LayerProfile.measure("concat") { h.concatenatedChannels(stack.removeLast()) }   // the skip is released here
            for layer in block { h = layer(h, embAct) }
            observe?("h_output\(i)", h)
        }
        let normed = LayerProfile.measure("groupnorm+silu") { outNorm(h, silu: true) }
        return LayerProfile.conv(outConv, normed)
    }

    /// Floating-point operations of one forward pass on `n` items of `height × width`
    /// (convolutions, attention and the embedding layers; normalisations not counted).
    public func flops(items n: Int, height: Int, width: Int) -> Double {
        var total = 2 * Double(n) * Double(timeEmbed0.inFeatures * timeEmbed0.outFeatures + timeEmbed2.inFeatures * timeEmbed2.outFeatures)
        var h = height, w = width
        for block in inputBlocks + [middleBlock] {
            for layer in block { let (f, h2, w2) = layer.flops(n, h, w); total += f; h = h2; w = w2 }
        }
        for block in outputBlocks {
            for layer in block { let (f, h2, w2) = layer.flops(n, h, w); total += f; h = h2; w = w2 }
        }
        return total + outConv.flops(height: h, width: w, items: n)
    }
}
