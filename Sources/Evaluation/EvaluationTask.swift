import Samplers

/// The paper's restoration tasks as the standard library defines them (`Stdlib/tasks.red`), with
/// the classical methods each is compared against.
public enum EvaluationTask: String, Sendable, CaseIterable {
    /// 70 % of the pixels hidden at random, noise-free.
    case inpainting = "inpaint-70"
    /// 4× block-average downsampling, σ_y = 0.05.
    case superResolution = "sr4"
    /// Gaussian blur σ = 3 (13×13), σ_y = 0.05.
    case gaussianDeblur = "deblur-gauss"
    /// Motion blur, length 15 at 30°, σ_y = 0.05.
    case motionDeblur = "deblur-motion"
    /// Fourier phase retrieval, 2× oversampling, σ_y = 0.05.
    case phaseRetrieval = "phase"
    /// HDR (clipping of 2× the image), σ_y = 0.05.
    case hdr

    /// The linear tasks, on which the classical methods apply.
    public static let linear: [EvaluationTask] = allCases.filter(\.isLinear)

    /// The statement that sets the task up (a definition of `Stdlib/tasks.red`).
    public var statement: String {
        switch self {
        case .inpainting: return "inpaint_random"
        case .superResolution: return "sr4"
        case .gaussianDeblur: return "deblur_gauss"
        case .motionDeblur: return "deblur_motion"
        case .phaseRetrieval: return "phase_retrieval"
        case .hdr: return "hdr_task"
        }
    }

    /// Whether A is linear.
    public var isLinear: Bool {
        switch self {
        case .inpainting, .superResolution, .gaussianDeblur, .motionDeblur: return true
        case .phaseRetrieval, .hdr: return false
        }
    }

    /// The family whose recommended settings a solve on this task uses.
    public var family: RecommendedSettings.TaskFamily {
        switch self {
        case .inpainting: return .inpainting
        case .superResolution: return .superResolution
        case .gaussianDeblur, .motionDeblur: return .deblurring
        case .phaseRetrieval: return .phaseRetrieval
        case .hdr: return .other
        }
    }

    /// Whether y carries measurement noise (then the observation weight is worth tuning).
    public var isNoisy: Bool { self != .inpainting }

    /// The classical method the task's goal is stated against.
    public var reference: ClassicalMethod {
        switch self {
        case .inpainting: return .biharmonic
        case .superResolution: return .bicubic
        case .gaussianDeblur, .motionDeblur, .phaseRetrieval, .hdr: return .tikhonov
        }
    }

    /// The classical methods computed for the task.
    public var classical: [ClassicalMethod] {
        switch self {
        case .inpainting: return [.biharmonic, .tikhonov, .tv]
        case .superResolution: return [.bicubic, .tikhonov, .tv]
        case .gaussianDeblur, .motionDeblur: return [.tikhonov, .tv]
        case .phaseRetrieval, .hdr: return []
        }
    }
}
