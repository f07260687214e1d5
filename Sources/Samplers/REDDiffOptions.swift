import TensorCore
import Diffusion

/// The options of RED-diff (Mardani et al. 2024, `Docs/algorithms.md` §2); defaults as in the language.
public struct REDDiffOptions: Sendable, Equatable {
    /// The weighting f(r_t) of the regulariser, r_t = σ_t/α_t (inverse square-root SNR).
    public enum Weighting: String, Sendable, CaseIterable {
        /// f = r (upstream "linear"; the paper's choice).
        case snr
        /// f = √r.
        case sqrt
        /// f = r².
        case square
        /// f = log(1 + r).
        case log
        /// f = min(r, 1) (upstream "trunc_linear").
        case trunc
        /// f = 1.
        case const

        /// f(r).
        public func callAsFunction(_ r: Double) -> Double {
            switch self {
            case .snr: return r
            case .sqrt: return r.squareRoot()
            case .square: return r * r
            case .log: return _log1p(r)
            case .trunc: return Swift.min(r, 1)
            case .const: return 1
            }
        }
    }

    /// The order in which the uniform time grid is visited.
    public enum Order: String, Sendable, CaseIterable {
        /// Largest t first (upstream).
        case desc
        /// Smallest t first.
        case asc
        /// A seeded random permutation of the grid (one per solve, shared by the batch).
        case random
    }

    /// The starting point μ₀.
    public enum Initialization: String, Sendable, CaseIterable {
        /// μ₀ = A⁺y (upstream).
        case pinv
        /// μ₀ = 0.
        case zero
        /// μ₀ ~ N(0, I), one draw per solution.
        case noise
        /// μ₀ = the classical estimate for A (`Baselines.warmStart`): biharmonic inpainting for a
        /// mask, bicubic upsampling for a downsampling, A⁺y otherwise. An optional departure
        /// from the paper: the regulariser then refines a good image instead of building one.
        case classical
    }

    /// The weight v of the data term v·mean((y − A(μ))²)/2.
    public enum ObservationWeight: Sendable, Equatable {
        /// A fixed v (upstream: 1).
        case fixed(Double)
        /// v = (σ_ref/σ_y)², the paper's 1/(2σ_y²) weighting scaled so that v = 1 when σ_y equals
        /// `reference` (model units); capped at 100 (σ_y = 0 gives the cap).
        case auto(reference: Double)

        /// The reference noise level of `.auto`: 0.1 in model units (0.05 on [0, 1] pixels).
        public static let defaultReference = 0.1
        /// The largest weight `.auto` gives.
        public static let cap = 100.0

        /// The weight v for measurement noise `sigmaY`.
        public func value(sigmaY: Double) -> Double {
            switch self {
            case let .fixed(v): return v
            case let .auto(ref):
                guard sigmaY > 0 else { return Self.cap }
                return Swift.min(Self.cap, (ref / sigmaY) * (ref / sigmaY))
            }
        }
    }

    /// The optimiser on μ.
    public enum Optimizer: String, Sendable, CaseIterable {
        /// Adam, β = (0.9, 0.99), ε = 1e-8, PyTorch bias correction (upstream).
        case adam
        /// Plain gradient descent μ ← μ − lr·g.
        case sgd
    }

    /// The unit of `lr`.
    public enum LearningRateScale: String, Sendable, CaseIterable {
        /// `lr` is the step in model units (upstream).
        case absolute
        /// `lr` is given for data with the spread of images in [-1, 1] (0.5) and is multiplied by
        /// `prior.dataSpread / 0.5`: the papers' settings carried to data of another scale (for
        /// example a Gaussian-mixture benchmark whose coordinates spread over ±16). Adam's step is
        /// a distance in data units, so a step size tuned for images is 19× too small there.
        case data
    }

    /// How the learning rate changes over the steps (an optional departure from the paper, whose
    /// rate is constant).
    public enum LearningRateSchedule: String, Sendable, CaseIterable {
        /// lr at every step (the paper and upstream).
        case constant
        /// lr·(1 − k/K) at step k of K: the last steps, at the smallest t, move μ less.
        case linear
        /// lr·½(1 + cos(πk/K)).
        case cosine

        /// The factor of step `k` (0-based) of `total`.
        public func factor(step k: Int, of total: Int) -> Double {
            let u = total > 0 ? Double(k) / Double(total) : 0
            switch self {
            case .constant: return 1
            case .linear: return 1 - u
            case .cosine: return 0.5 * (1 + cos(Double.pi * u))
            }
        }
    }

    /// The learning rate of the official RED-diff configuration files (0.1), the default when a
    /// prior recommends none.
    public static let officialLR = 0.1
    /// The learning rate the paper's text reports (0.5).
    public static let paperLR = 0.5

    public var steps: Int
    public var lr: Double
    public var lrScale: LearningRateScale = .absolute
    public var lrSchedule: LearningRateSchedule = .constant
    public var lambda: Double
    public var weighting: Weighting
    public var order: Order
    public var initialization: Initialization
    public var obsWeight: ObservationWeight
    public var optimizer: Optimizer
    /// The largest time of the grid + 1: the grid is [0, skip, …, tMax − skip] with skip =
    /// tMax/steps. nil (the paper): tMax = T. A smaller tMax starts the optimisation at a
    /// lower noise level, which suits a good initial μ (`Initialization.classical`).
    public var tMax: Int? = nil

    public init(steps: Int = 1000, lr: Double = REDDiffOptions.officialLR, lambda: Double = 0.25, weighting: Weighting = .snr,
                order: Order = .desc, initialization: Initialization = .pinv,
                obsWeight: ObservationWeight = .fixed(1), optimizer: Optimizer = .adam) {
        self.steps = steps; self.lr = lr; self.lambda = lambda; self.weighting = weighting
        self.order = order; self.initialization = initialization; self.obsWeight = obsWeight
        self.optimizer = optimizer
    }

    /// The step size in model units for `prior`.
    public func effectiveLR(for prior: any DiffusionPrior) -> Double {
        switch lrScale {
        case .absolute: return lr
        case .data: return lr * prior.dataSpread / DiffusionPriorScale.image
        }
    }

    /// Throws `SamplerError.invalidOption` for an out-of-range value (`maxSteps`: the schedule length).
    public func validate(maxSteps: Int) throws {
        if let tMax {
            guard tMax >= 1, tMax <= maxSteps else {
                throw SamplerError.invalidOption(name: "tmax", value: "\(tMax)", expected: "an integer in 1...\(maxSteps) (the prior's T)")
            }
            guard steps <= tMax else {
                throw SamplerError.invalidOption(name: "steps", value: "\(steps)", expected: "at most tmax=\(tMax) steps")
            }
        }
        try checkSteps(steps, maxSteps: maxSteps)
        guard lr.isFinite, lr > 0 else { throw SamplerError.invalidOption(name: "lr", value: "\(lr)", expected: "a number > 0") }
        guard lambda.isFinite, lambda >= 0 else {
            throw SamplerError.invalidOption(name: "lambda", value: "\(lambda)", expected: "a number ≥ 0")
        }
        switch obsWeight {
        case let .fixed(v):
            guard v.isFinite, v >= 0 else { throw SamplerError.invalidOption(name: "obsweight", value: "\(v)", expected: "a number ≥ 0 or auto") }
        case let .auto(r):
            guard r.isFinite, r > 0 else { throw SamplerError.invalidOption(name: "obsweight reference", value: "\(r)", expected: "a number > 0") }
        }
    }
}

extension REDDiffOptions: Solver {
    public static let name = "reddiff"

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        try REDDiff.solve(problem, options: self, n: n, base: base, control: control)
    }

    /// μ, Adam's two moments, the last estimate, ε and x_t (6D) during the prior's ε̂ call; 8D
    /// at the update (ε̂, the data gradient and μ's copy-on-write copy instead of x_t); 4D while
    /// the trace computes PSNR/SSIM.
    public func peakBytes(_ m: SolveMemory) -> Int? {
        guard let eps = m.priorBytes(withVJP: false) else { return nil }
        return Swift.max(m.bytes(6 * m.batch) + eps, m.bytes(8 * m.batch + m.op), m.bytes(4 * m.batch + m.quality))
    }
}

#if canImport(Glibc)
import Glibc
func _log1p(_ x: Double) -> Double { Glibc.log1p(x) }
#else
import Foundation
func _log1p(_ x: Double) -> Double { Foundation.log1p(x) }
#endif
