import TensorCore

/// The ADM U-Net of guided-diffusion (`UNetModel`, Dhariwal & Nichol 2021), for inference.
///
/// `output = model(x, t)` maps a batch `[N, in, H, W]` and times `[N]` to `[N, out, H, W]`
/// (ε̂ in the first `in` channels when σ is learned). H and W need not equal `imageSize`, only be
/// multiples of 2^(levels−1). Activations are released as soon as the forward pass no longer
/// needs them (the skip stack is popped as it is consumed).
public struct UNetModel: Sendable {
    public let config: UNetConfig
    let timeEmbed0: Linear
    let timeEmbed2: Linear
    /// `[numClasses, 4·modelChannels]` (`label_emb`), when class-conditional.
    let labelEmbedding: Tensor?
    let inputBlocks: [[UNetLayer]]
    let middleBlock: [UNetLayer]
    let outputBlocks: [[UNetLayer]]
    let outNorm: GroupNorm
    let outConv: Conv2D

    /// Builds the network, taking every parameter from `weights` under its PyTorch name.
    init(config c: UNetConfig, weights w: inout WeightSource) throws {
        try c.validate()
        config = c
        let embDim = c.timeEmbedDim, order: QKVAttention.Order = c.useNewAttentionOrder ? .splitFirst : .legacy
        timeEmbed0 = try w.linear("time_embed.0", c.modelChannels, embDim)
        timeEmbed2 = try w.linear("time_embed.2", embDim, embDim)
        labelEmbedding = try c.numClasses.map { try w.take("label_emb.weight", [$0, embDim], .small) }

        var ch = c.channelMult[0] * c.modelChannels
        var input: [[UNetLayer]] = [[.conv(try w.conv("input_blocks.0.0", c.inChannels, ch, kernel: 3, padding: 1))]]
        var skipChannels = [ch]
        var ds = 1
        for (level, mult) in c.channelMult.enumerated() {
            for _ in 0..<c.numResBlocks {
                let p = "input_blocks.\(input.count)", out = mult * c.modelChannels
                var layers: [UNetLayer] = [.res(try ResBlock(p + ".0", &w, cin: ch, cout: out, embDim: embDim,
                                                             scaleShift: c.useScaleShiftNorm, resample: .none))]
                ch = out
                if c.attentionResolutions.contains(ds) {
                    layers.append(.attention(try AttentionBlock(p + ".1", &w, channels: ch,
                                                                heads: c.heads(channels: ch, upsampling: false), order: order)))
                }
                input.append(layers)
                skipChannels.append(ch)
            }
            if level != c.channelMult.count - 1 {
                let p = "input_blocks.\(input.count).0"
                if c.resblockUpdown {
                    input.append([.res(try ResBlock(p, &w, cin: ch, cout: ch, embDim: embDim, scaleShift: c.useScaleShiftNorm, resample: .down))])
                } else {
                    input.append([.down(c.convResample ? try w.conv(p + ".op", ch, ch, kernel: 3, stride: 2, padding: 1) : nil)])
                }
                skipChannels.append(ch)
                ds *= 2
            }
        }
        inputBlocks = input

        middleBlock = [
            .res(try ResBlock("middle_block.0", &w, cin: ch, cout: ch, embDim: embDim, scaleShift: c.useScaleShiftNorm, resample: .none)),
            .attention(try AttentionBlock("middle_block.1", &w, channels: ch, heads: c.heads(channels: ch, upsampling: false), order: order)),
            .res(try ResBlock("middle_block.2", &w, cin: ch, cout: ch, embDim: embDim, scaleShift: c.useScaleShiftNorm, resample: .none)),
        ]

        var output: [[UNetLayer]] = []
        for (level, mult) in c.channelMult.enumerated().reversed() {
            for i in 0...c.numResBlocks {
                let p = "output_blocks.\(output.count)", ich = skipChannels.removeLast(), out = c.modelChannels * mult
                var layers: [UNetLayer] = [.res(try ResBlock(p + ".0", &w, cin: ch + ich, cout: out, embDim: embDim,
                                                             scaleShift: c.useScaleShiftNorm, resample: .none))]
                ch = out
                if c.attentionResolutions.contains(ds) {
                    layers.append(.attention(try AttentionBlock(p + ".\(layers.count)", &w, channels: ch,
                                                                heads: c.heads(channels: ch, upsampling: true), order: order)))
                }
                if level > 0 && i == c.numResBlocks {
                    let q = p + ".\(layers.count)"
                    if c.resblockUpdown {
                        layers.append(.res(try ResBlock(q, &w, cin: ch, cout: ch, embDim: embDim, scaleShift: c.useScaleShiftNorm, resample: .up)))
                    } else {
                        layers.append(.up(c.convResample ? try w.conv(q + ".conv", ch, ch, kernel: 3, padding: 1) : nil))
                    }
                    ds /= 2
                }
                output.append(layers)
            }
        }
        outputBlocks = output
        outNorm = try w.norm("out.0", ch)
        outConv = try w.conv("out.2", ch, c.outChannels, kernel: 3, padding: 1)
    }

    /// A network with random parameters (conv/linear weights N(0,1)/√fan-in, biases 0.1·N(0,1),
    /// GroupNorm γ = 1 + 0.1·N(0,1)): for timing and tests, never for sampling.
    public static func random(config: UNetConfig, seed: UInt64) throws -> UNetModel {
        var w = WeightSource(random: SeededGenerator(seed: seed))
        return try UNetModel(config: config, weights: &w)
    }

    /// Builds the network from a state dict (PyTorch key names).
    /// - Throws: `NetworkError.missingTensor`, `.shapeMismatch` or `.unexpectedTensor` naming the key.
    public init(config: UNetConfig, stateDict: [String: Tensor], path: String = "<weights>") throws {
        var w = WeightSource(tensors: stateDict, path: path)
        try self.init(config: config, weights: &w)
        try w.checkAllUsed()
    }

    /// Every parameter name with its shape, in construction order (the checkpoint's expected keys).
    public static func parameterShapes(config: UNetConfig) throws -> [(key: String, shape: [Int])] {
        var w = WeightSource(random: SeededGenerator(seed: 0))
        _ = try UNetModel(config: config, weights: &w)
        return w.requested
    }

    /// Checks that `x` (`[N, in, H, W]`), times and labels fit the network.
    /// - Throws: `NetworkError.input` saying what fits.
    public func validate(_ x: Tensor, t: [Float], classes: [Int]?) throws {
        let m = config.sizeMultiple
        guard x.rank == 4, x.shape[1] == config.inChannels else {
            throw NetworkError.input("the U-Net takes [N, \(config.inChannels), H, W], got \(x.shape)")
        }
        guard x.shape[0] >= 1, x.shape[2] >= m, x.shape[3] >= m, x.shape[2] % m == 0, x.shape[3] % m == 0 else {
            throw NetworkError.input("the U-Net takes images whose sides are positive multiples of \(m), got \(x.shape[3])x\(x.shape[2])")
        }
        guard t.count == x.shape[0] else { throw NetworkError.input("\(t.count) times for a batch of \(x.shape[0])") }
        if let k = config.numClasses {
            guard let y = classes, y.count == x.shape[0], y.allSatisfy({ (0..<k).contains($0) }) else {
                throw NetworkError.input("the class-conditional U-Net needs one label in 0..<\(k) per item")
            }
        } else if classes != nil {
            throw NetworkError.input("the U-Net is unconditional; it takes no class labels")
        }
    }
}
