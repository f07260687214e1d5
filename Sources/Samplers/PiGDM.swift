import TensorCore
import Degradations
import Diffusion

/// ΠGDM (Song et al. 2023): x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + √ᾱ_s √ᾱ_t·J_{x̂0}ᵀ·c, with the cotangent c
/// of the noiseless form (A⁺y − A⁺A x̂0, the default) or of the noisy form (`Form.noisy`).
public struct PiGDMOptions: Sendable, Equatable {
    /// How the guidance treats the measurement noise σ_y.
    public enum Form: String, Sendable, CaseIterable {
        /// c = A⁺y − A⁺A(x̂0) (A⁺ the stable pseudo-inverse), σ_y ignored: the form of the
        /// RED-diff codebase, and the paper's for noise-free y.
        case noiseless
        /// c = r_t²·Aᵀ(r_t² A Aᵀ + σ_y² I)⁻¹(y − A x̂0), r_t² = 1 − ᾱ_t: the paper's likelihood
        /// for y = Ax + σ_y n (its Eq. 7, the variance of x0 given x_t taken as r_t²), scaled by
        /// r_t² so that it equals A⁺(y − A x̂0) at σ_y = 0 (the exact A⁺, undamped even for a
        /// blur). It is the Tikhonov-damped least-squares solution of A c = y − A x̂0 with
        /// δ = σ_y/r_t, solved by CGLS: where the noise level of x̂0 falls below σ_y, directions
        /// with singular values under δ follow the prior instead of the amplified noise of y.
        case noisy
    }

    public var steps: Int
    /// The DDIM stochasticity η (upstream 1).
    public var eta: Double
    /// A multiplier on the guidance term (upstream `grad_term_weight`, 1).
    public var scale: Double
    /// The guidance's treatment of σ_y (default: noiseless, as upstream).
    public var form: Form
    public init(steps: Int = 100, eta: Double = 1.0, scale: Double = 1.0, form: Form = .noiseless) {
        self.steps = steps; self.eta = eta; self.scale = scale; self.form = form
    }

    /// Throws `SamplerError.invalidOption` for an out-of-range value (`maxSteps`: the schedule length).
    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkUnit("eta", eta); try checkNonNegative("scale", scale)
    }
}

extension PiGDMOptions: Solver {
    public static let name = "pigdm"

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        try PiGDM.solve(problem, options: self, n: n, base: base, control: control)
    }

    /// As DPS: 2D during the ε̂ call, 6D during the x̂0-with-VJP call, 10D around the DDIM
    /// step, 3D for the metrics.
    public func peakBytes(_ m: SolveMemory) -> Int? { m.guidedStyle() }
}

/// Pseudo-inverse guided diffusion (ΠGDM, Song et al. 2023): g = J_{x̂0}ᵀ c through the prior's
/// VJP, c the cotangent of `PiGDMOptions.form`, and x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ +
/// scale·√ᾱ_s √ᾱ_t·g, from x_T = √ᾱ_T A⁺y + σ_T z.
enum PiGDM {
    static func solve(_ problem: InverseProblem, options: PiGDMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "pigdm")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        if options.form == .noisy && !problem.op.isLinear {
            throw SamplerError.invalidOption(name: "form", value: "noisy", expected: "noiseless: the noisy form solves with A and Aᵀ, and \(problem.op.name) is not linear")
        }
        let loop = GuidedDDIM(method: "pigdm", steps: options.steps, eta: options.eta,
                              explosionCause: "the guidance step exploded (try scale=\(options.scale / 4) or more steps)")
        let pinvY = problem.op.stablePseudoInverse(problem.y)
        return try loop.solve(problem, n: n, base: base, control: control, pinvY: pinvY,
                              guidance: PiGDMGuidance(op: problem.op, pinvY: pinvY, schedule: schedule, scale: options.scale,
                                                      form: options.form, sigmaY: problem.sigmaY))
    }
}

/// ΠGDM's guidance: the cotangent of its form, and the step scale·√ᾱ_s √ᾱ_t·g.
struct PiGDMGuidance: Guidance {
    let op: any ForwardOperator
    /// A⁺y.
    let pinvY: Tensor
    let schedule: NoiseSchedule
    let scale: Double
    let form: PiGDMOptions.Form
    let sigmaY: Double

    /// CGLS's stopping tolerance and iteration cap for the noisy form's damped solve.
    static let tolerance = 1e-4, maxIterations = 200

    func cotangent(x0: Tensor, ax: Tensor, residual: Tensor, t: Int) -> Tensor {
        switch form {
        case .noiseless:
            return pinvY - op.stablePseudoInverse(ax)
        case .noisy:
            let r2 = 1 - schedule.alphaBar(t)
            guard r2 > 0 else { return Tensor.zeros(like: x0) }
            return ConjugateGradient.leastSquares(residual, apply: { op.apply($0) }, adjoint: { op.vjp(at: x0, $0) },
                                                  tolerance: Self.tolerance, maxIterations: Self.maxIterations,
                                                  damping: sigmaY / r2.squareRoot())
        }
    }

    func guide(_ next: inout Tensor, gradient g: Tensor, squaredResiduals: [Double], t: Int, s: Int) -> Double {
        let coeff = scale * schedule.alpha(s) * schedule.alpha(t)
        next.add(g, scaledBy: Float(coeff))
        return coeff
    }
}
