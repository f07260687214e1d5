import TensorCore
import Degradations
import Diffusion

/// ΠGDM (Song et al. 2023), noiseless form: x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + √ᾱ_s √ᾱ_t·J_{x̂0}ᵀ(A⁺y − A⁺A x̂0).
public struct PiGDMOptions: Sendable, Equatable {
    public var steps: Int
    /// The DDIM stochasticity η (upstream 1).
    public var eta: Double
    /// A multiplier on the guidance term (upstream `grad_term_weight`, 1).
    public var scale: Double
    public init(steps: Int = 100, eta: Double = 1.0, scale: Double = 1.0) { self.steps = steps; self.eta = eta; self.scale = scale }

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

/// Pseudo-inverse guided diffusion (ΠGDM, Song et al. 2023), noiseless form as in the RED-diff
/// codebase: g = J_{x̂0}ᵀ (A⁺y − A⁺A(x̂0)) through the prior's VJP, and
/// x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + scale·√ᾱ_s √ᾱ_t·g, from x_T = √ᾱ_T A⁺y + σ_T z.
enum PiGDM {
    static func solve(_ problem: InverseProblem, options: PiGDMOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "pigdm")
        let schedule = prior.schedule
        try options.validate(maxSteps: schedule.count)
        let loop = GuidedDDIM(method: "pigdm", steps: options.steps, eta: options.eta,
                              explosionCause: "the guidance step exploded (try scale=\(options.scale / 4) or more steps)")
        let pinvY = problem.op.stablePseudoInverse(problem.y)
        return try loop.solve(problem, n: n, base: base, control: control, pinvY: pinvY,
                              guidance: PiGDMGuidance(op: problem.op, pinvY: pinvY, schedule: schedule, scale: options.scale))
    }
}

/// ΠGDM's guidance: the cotangent A⁺y − A⁺A(x̂0) (A⁺ the stable pseudo-inverse), and the step
/// scale·√ᾱ_s √ᾱ_t·g.
struct PiGDMGuidance: Guidance {
    let op: any ForwardOperator
    /// A⁺y.
    let pinvY: Tensor
    let schedule: NoiseSchedule
    let scale: Double

    func cotangent(x0: Tensor, ax: Tensor, residual: Tensor) -> Tensor { pinvY - op.stablePseudoInverse(ax) }

    func guide(_ next: inout Tensor, gradient g: Tensor, squaredResiduals: [Double], t: Int, s: Int) -> Double {
        let coeff = scale * schedule.alpha(s) * schedule.alpha(t)
        next.add(g, scaledBy: Float(coeff))
        return coeff
    }
}
