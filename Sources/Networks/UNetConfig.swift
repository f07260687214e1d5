/// The configuration of guided-diffusion's `UNetModel` (the ADM U-Net), with the original
/// constructor's meaning and defaults.
///
/// `attentionResolutions` holds downsample factors (attention runs where the current factor
/// ds ∈ set), as the constructor takes them; the command-line form of `script_util` lists pixel
/// resolutions instead (see `init(json:)`). `numHeadChannels` > 0 overrides `numHeads`.
/// Learned σ: `outChannels == 2·inChannels`, ε is the first half. Dropout, gradient
/// checkpointing and fp16 have no effect on inference here (everything runs in float32).
public struct UNetConfig: Sendable, Equatable {
    public var imageSize: Int
    public var inChannels: Int
    public var modelChannels: Int
    public var outChannels: Int
    public var numResBlocks: Int
    /// Downsample factors (1, 2, 4, …) at which attention blocks are used.
    public var attentionResolutions: Set<Int>
    public var channelMult: [Int]
    /// Learned 3×3 convolutions for up/downsampling (when `resblockUpdown` is false).
    public var convResample: Bool
    /// Class-conditional with this many classes (`label_emb`), or nil.
    public var numClasses: Int?
    public var numHeads: Int
    /// Channels per head; −1 means "use `numHeads`".
    public var numHeadChannels: Int
    /// Heads in the output blocks; −1 means `numHeads`.
    public var numHeadsUpsample: Int
    public var useScaleShiftNorm: Bool
    public var resblockUpdown: Bool
    public var useNewAttentionOrder: Bool

    public init(imageSize: Int, inChannels: Int = 3, modelChannels: Int, outChannels: Int, numResBlocks: Int,
                attentionResolutions: Set<Int>, channelMult: [Int] = [1, 2, 4, 8], convResample: Bool = true,
                numClasses: Int? = nil, numHeads: Int = 1, numHeadChannels: Int = -1, numHeadsUpsample: Int = -1,
                useScaleShiftNorm: Bool = false, resblockUpdown: Bool = false, useNewAttentionOrder: Bool = false) {
        self.imageSize = imageSize
        self.inChannels = inChannels
        self.modelChannels = modelChannels
        self.outChannels = outChannels
        self.numResBlocks = numResBlocks
        self.attentionResolutions = attentionResolutions
        self.channelMult = channelMult
        self.convResample = convResample
        self.numClasses = numClasses
        self.numHeads = numHeads
        self.numHeadChannels = numHeadChannels
        self.numHeadsUpsample = numHeadsUpsample
        self.useScaleShiftNorm = useScaleShiftNorm
        self.resblockUpdown = resblockUpdown
        self.useNewAttentionOrder = useNewAttentionOrder
    }

    /// OpenAI's `256x256_diffusion_uncond.pt` (ImageNet 256, unconditional, learned σ).
    public static let imageNet256Unconditional = UNetConfig(
        imageSize: 256, inChannels: 3, modelChannels: 256, outChannels: 6, numResBlocks: 2,
        attentionResolutions: [8, 16, 32], channelMult: [1, 1, 2, 2, 4, 4], numHeads: 4, numHeadChannels: 64,
        useScaleShiftNorm: true, resblockUpdown: true)

    /// The FFHQ 256 model of DPS (Chung et al. 2023, `ffhq_10m.pt`; unconditional, learned σ).
    public static let ffhq256DPS = UNetConfig(
        imageSize: 256, inChannels: 3, modelChannels: 128, outChannels: 6, numResBlocks: 1,
        attentionResolutions: [16], channelMult: [1, 1, 2, 2, 4, 4], numHeads: 4, numHeadChannels: 64,
        useScaleShiftNorm: true, resblockUpdown: true)

    /// True when the network also predicts variances (output channels 2·input channels).
    public var learnedSigma: Bool { outChannels == 2 * inChannels }
    /// Channels of the time embedding (4·model channels).
    public var timeEmbedDim: Int { 4 * modelChannels }
    /// Image sides must be multiples of this (2^(levels−1)).
    public var sizeMultiple: Int { 1 << (channelMult.count - 1) }

    /// Heads of an attention block with `channels` channels in the input (down) or output (up) path.
    public func heads(channels: Int, upsampling: Bool) -> Int {
        numHeadChannels > 0 ? channels / numHeadChannels : (upsampling && numHeadsUpsample > 0 ? numHeadsUpsample : numHeads)
    }

    /// Checks that the configuration describes a buildable network.
    /// - Throws: `NetworkError.config` naming the bad value.
    public func validate() throws {
        func bad(_ m: String) -> NetworkError { .config(m) }
        guard inChannels >= 1 else { throw bad("in_channels = \(inChannels); needs ≥ 1") }
        guard outChannels >= 1 else { throw bad("out_channels = \(outChannels); needs ≥ 1") }
        guard numResBlocks >= 1 else { throw bad("num_res_blocks = \(numResBlocks); needs ≥ 1") }
        guard !channelMult.isEmpty, channelMult.allSatisfy({ $0 >= 1 }) else { throw bad("channel_mult = \(channelMult); needs positive integers") }
        guard modelChannels >= 32, channelMult.allSatisfy({ ($0 * modelChannels) % 32 == 0 }) else {
            throw bad("model_channels = \(modelChannels) with channel_mult \(channelMult): every level needs a multiple of 32 channels (GroupNorm with 32 groups)")
        }
        guard modelChannels % 2 == 0 else { throw bad("model_channels = \(modelChannels) must be even") }
        if let k = numClasses, k < 1 { throw bad("num_classes = \(k); needs ≥ 1 or null") }
        guard numHeadChannels > 0 || numHeads >= 1 else { throw bad("num_heads = \(numHeads) with num_head_channels = -1; needs ≥ 1 head") }
        let maxFactor = sizeMultiple
        for f in attentionResolutions where f < 1 || f > maxFactor || f & (f - 1) != 0 {
            throw bad("attention factor \(f) is not a power of two in 1...\(maxFactor)")
        }
        for level in 0..<channelMult.count where attentionResolutions.contains(1 << level) {
            let ch = channelMult[level] * modelChannels
            if numHeadChannels > 0 {
                guard ch % numHeadChannels == 0 else { throw bad("\(ch) channels at factor \(1 << level) are not divisible by num_head_channels \(numHeadChannels)") }
            } else {
                for h in [numHeads, numHeadsUpsample > 0 ? numHeadsUpsample : numHeads] where ch % h != 0 {
                    throw bad("\(ch) channels at factor \(1 << level) are not divisible into \(h) heads")
                }
            }
        }
        let midCh = channelMult[channelMult.count - 1] * modelChannels
        if numHeadChannels > 0, midCh % numHeadChannels != 0 { throw bad("middle block channels \(midCh) not divisible by num_head_channels \(numHeadChannels)") }
        if numHeadChannels <= 0, midCh % numHeads != 0 { throw bad("middle block channels \(midCh) not divisible into \(numHeads) heads") }
    }
}
