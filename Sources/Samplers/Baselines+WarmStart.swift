import TensorCore
import Degradations

extension Baselines {
    /// The classical estimate of x from `y` for `op`, with no tuning against a truth: biharmonic
    /// inpainting for a mask, bicubic upsampling for a plain downsampling, and the operator's
    /// stabilised pseudo-inverse A⁺y otherwise. RED-diff's `init=classical` starts from it.
    public static func warmStart(_ y: Tensor, op: any ForwardOperator) -> Tensor {
        if let mask = op as? Mask {
            return biharmonicFill(y, mask: mask.mask)
        }
        if let f = downsampleFactor(op) { return bicubicUpsample(y, factor: f) }
        return op.stablePseudoInverse(y)
    }

    /// The factor of a plain downsampling operator (`[C, f·h, f·w] → [C, h, w]`), or nil.
    public static func downsampleFactor(_ op: any ForwardOperator) -> Int? {
        if let b = op as? BlockAverage { return b.factor }
        guard op.inputShape.count == 3, op.outputShape.count == 3, op.outputShape[1] > 0,
              op.inputShape[0] == op.outputShape[0], op.inputShape[1] % op.outputShape[1] == 0 else { return nil }
        let f = op.inputShape[1] / op.outputShape[1]
        return f > 1 && op.inputShape[2] == op.outputShape[2] * f ? f : nil
    }
}
