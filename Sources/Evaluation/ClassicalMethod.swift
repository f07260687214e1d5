import TensorCore
import Degradations
import Samplers

/// The classical (non-learned) reconstructions of the quality table, computed on exactly the
/// session's A and y.
public enum ClassicalMethod: String, Sendable, CaseIterable {
    /// Bicubic upsampling of y (super-resolution).
    case bicubic
    /// Biharmonic inpainting: Δ²x = 0 on the hidden pixels.
    case biharmonic
    /// argmin ‖Ax − y‖² + μ‖∇x‖², μ chosen against the ground truth (an oracle).
    case tikhonov
    /// argmin ½‖Ax − y‖² + μ·TV(x), μ chosen against the ground truth (an oracle).
    case tv

    /// The label of the table row.
    public var label: String {
        switch self {
        case .bicubic: return "bicubic"
        case .biharmonic: return "biharmonic"
        case .tikhonov: return "Tikhonov (oracle μ)"
        case .tv: return "TV (oracle μ)"
        }
    }

    /// The reconstruction in model space, or nil when the method does not apply to `op`.
    public func reconstruct(y: Tensor, op: any ForwardOperator, truth: Tensor) -> Tensor? {
        switch self {
        case .bicubic:
            guard let f = Baselines.downsampleFactor(op) else { return nil }
            return Baselines.bicubicUpsample(y, factor: f)
        case .biharmonic:
            guard let mask = op as? Mask else { return nil }
            return Baselines.biharmonicFill(y, mask: mask.mask)
        case .tikhonov:
            guard let linear = op as? any LinearOperator else { return nil }
            return Baselines.tunedTikhonov(y, op: linear, truth: truth).x
        case .tv:
            guard let linear = op as? any LinearOperator else { return nil }
            return Baselines.tunedTotalVariation(y, op: linear, truth: truth).x
        }
    }
}
