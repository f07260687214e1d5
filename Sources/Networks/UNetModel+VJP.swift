import TensorCore

extension UNetModel {
    /// The forward pass and its vector–Jacobian product with respect to the input `x`:
    /// returns the output `[N, out, H, W]` and a function mapping an output cotangent to
    /// (∂output/∂x)ᵀ·cotangent, `[N, in, H, W]`.
    ///
    /// Keeps every activation the backward pass needs until the pullback is released (several
    /// times the memory of `callAsFunction`). Timestep and label embeddings are constants.
    /// - Precondition: `validate(x, t:, classes:)` passes.
    public func withPullback(_ x: Tensor, t: [Float], classes: [Int]? = nil) -> (output: Tensor, pullback: @Sendable (Tensor) -> Tensor) {
        var emb = timeEmbed2(timeEmbed0(TimestepEmbedding.sinusoidal(t, dim: config.modelChannels)).silu())
        if let table = labelEmbedding, let y = classes {
            let d = config.timeEmbedDim
            for (i, label) in y.enumerated() { for j in 0..<d { emb.scalars[i * d + j] += table.scalars[label * d + j] } }
        }
        let embAct = emb.silu()
        func run(_ block: [UNetLayer], _ h: inout Tensor) -> Pullback {
            var pbs: [Pullback] = []
            for layer in block { let (y, pb) = layer.withPullback(h, embAct); h = y; pbs.append(pb) }
            return chain(pbs)
        }
        var h = x
        var stack: [Tensor] = []
        var inputPbs: [Pullback] = []
        for block in inputBlocks { inputPbs.append(run(block, &h)); stack.append(h) }
        let middlePb = run(middleBlock, &h)
        var outputPbs: [(Pullback, Int)] = []
        for block in outputBlocks {
            let c = h.shape[1]
            h = h.concatenatedChannels(stack.removeLast())
            outputPbs.append((run(block, &h), c))
        }
        let final = h
        let out = outConv(outNorm(final, silu: true))
        let (fh, fw) = (final.shape[2], final.shape[3])
        let head = (outNorm, outConv)
        let pullback = UncheckedSendable({ (dOut: Tensor) -> Tensor in
            var d = head.0.inputGradient(final, head.1.inputGradient(dOut, height: fh, width: fw), silu: true)
            var skipGrads: [Tensor] = []
            for (pb, c) in outputPbs.reversed() {
                let (dh, dskip) = pb(d).splitChannels(c)
                d = dh
                skipGrads.append(dskip)   // for input blocks in order 0, 1, …
            }
            d = middlePb(d)
            for (j, pb) in inputPbs.enumerated().reversed() {
                d += skipGrads[j]
                d = pb(d)
            }
            return d
        })
        return (out, { pullback.value($0) })
    }
}
