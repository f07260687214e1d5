import TensorCore

extension UNetModel {
    /// The forward pass and its full reverse-mode pullback: for an output cotangent it returns
    /// the input cotangent and the gradient of every parameter (PyTorch key names, checkpoint shapes).
    ///
    /// Keeps every activation until the pullback is released (training memory).
    /// - Precondition: `validate(x, t:, classes:)` passes.
    public func withParameterPullback(_ x: Tensor, t: [Float], classes: [Int]? = nil)
        -> (output: Tensor, pullback: (Tensor) -> (input: Tensor, parameters: ParameterGradients)) {
        let sinusoid = TimestepEmbedding.sinusoidal(t, dim: config.modelChannels)
        let h0 = timeEmbed0(sinusoid), s1 = h0.silu()
        var emb = timeEmbed2(s1)
        if let table = labelEmbedding, let y = classes {
            let d = config.timeEmbedDim
            for (i, label) in y.enumerated() { for j in 0..<d { emb.scalars[i * d + j] += table.scalars[label * d + j] } }
        }
        let embAct = emb.silu()
        var pullbacks: [(TrainingPullback, skipSplit: Int?)] = []
        var h = x
        var stack: [Tensor] = []
        for (i, block) in inputBlocks.enumerated() {
            for (j, layer) in block.enumerated() {
                let (y, pb) = layer.withTrainingPullback("input_blocks.\(i).\(j)", h, embAct)
                h = y; pullbacks.append((pb, nil))
            }
            stack.append(h)
            pullbacks.append(({ d, _, _ in d }, -1))   // marker: end of input block (a skip is taken here)
        }
        for (j, layer) in middleBlock.enumerated() {
            let (y, pb) = layer.withTrainingPullback("middle_block.\(j)", h, embAct)
            h = y; pullbacks.append((pb, nil))
        }
        for (i, block) in outputBlocks.enumerated() {
            let c = h.shape[1]
            h = h.concatenatedChannels(stack.removeLast())
            pullbacks.append(({ d, _, _ in d }, c))   // marker: the concatenation
            for (j, layer) in block.enumerated() {
                let (y, pb) = layer.withTrainingPullback("output_blocks.\(i).\(j)", h, embAct)
                h = y; pullbacks.append((pb, nil))
            }
        }
        let final = h, normed = outNorm(final, silu: true)
        let out = outConv(normed)
        let shapes = (try? Self.parameterShapes(config: config)) ?? []
        let me = self
        return (out, { dOut in
            var grads = ParameterGradients()
            var dEmbAct = Tensor(shape: embAct.shape, repeating: 0)
            grads.add("out.2", conv: me.outConv, input: normed, cotangent: dOut)
            let gn = me.outNorm.gradients(final, me.outConv.inputGradient(dOut, height: final.shape[2], width: final.shape[3]), silu: true)
            grads.add("out.0", norm: (gn.weight, gn.bias))
            var d = gn.input
            var skipGrads: [Tensor] = []
            for (pb, marker) in pullbacks.reversed() {
                switch marker {
                case nil: d = pb(d, &grads, &dEmbAct)
                case let c? where c >= 0:
                    let (dh, dskip) = d.splitChannels(c)
                    d = dh
                    skipGrads.append(dskip)
                default:
                    d += skipGrads.removeLast()
                }
            }
            // the embedding: emb = time_embed.2(SiLU(time_embed.0(sinusoid))) (+ label_emb[y])
            let dEmb = emb.siluGradient(dEmbAct)
            if me.labelEmbedding != nil, let y = classes {
                let dim = me.config.timeEmbedDim, k = me.config.numClasses ?? 0
                var dTable = [Float](repeating: 0, count: k * dim)
                for (i, label) in y.enumerated() { for j in 0..<dim { dTable[label * dim + j] += dEmb.scalars[i * dim + j] } }
                grads.add("label_emb.weight", Tensor(shape: [k, dim], scalars: dTable))
            }
            let l2 = me.timeEmbed2.gradients(s1, dEmb)
            grads.add("time_embed.2.weight", l2.weight); grads.add("time_embed.2.bias", l2.bias)
            let l0 = me.timeEmbed0.gradients(sinusoid, h0.siluGradient(l2.input))
            grads.add("time_embed.0.weight", l0.weight); grads.add("time_embed.0.bias", l0.bias)
            var shaped = ParameterGradients()
            for (key, g) in grads.reshaped(to: shapes) { shaped.add(key, g) }
            return (d, shaped)
        })
    }
}
