import TensorCore

extension UNetModel {
    /// The forward pass: the output `[N, out, H, W]` for inputs `[N, in, H, W]` at times `t`.
    /// - Parameters:
    ///   - classes: one label per item for a class-conditional network, else nil.
    ///   - observe: called with named intermediates (`emb_sinusoidal`, `emb`, `h_input<i>`,
    ///     `h_middle`, `h_output<i>`) for testing; nil in normal use.
    /// - Precondition: `validate(x, t:, classes:)` passes.
    public func callAsFunction(_ x: Tensor, t: [Float], classes: [Int]? = nil,
                               observe: ((String, Tensor) -> Void)? = nil) -> Tensor {
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
