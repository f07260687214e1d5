import TensorCore
import Degradations
import Diffusion

/// DPS (Chung et al. 2023): x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ − (ζ/‖r‖)·∇_{x_t}‖r‖², r = y − A(x̂0).
public struct DPSOptions: Sendable, Equatable {
    /// The guidance scale ζ (upstream: 0.5 inpainting, 1.0 SR, 2.0 deblur, 0.4 phase, 0.1 HDR).
    public var zeta: Double
    /// The DDIM stochasticity η (1: DDPM-like ancestral noise).
    public var eta: Double
    public var steps: Int
    public init(zeta: Double = 1.0, eta: Double = 1.0, steps: Int = 1000) { self.zeta = zeta; self.eta = eta; self.steps = steps }

    /// Throws `SamplerError.invalidOption` for an out-of-range value (`maxSteps`: the schedule length).
    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkNonNegative("zeta", zeta); try checkUnit("eta", eta)
    }
}

extension DPSOptions: Solver {
    public static let name = "dps"

    public func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution {
        try DPS.solve(problem, options: self, n: n, base: base, control: control)
    }

    /// x_t and the last estimate (2D) during the ε̂ call; 6D (ε̂, x̂0, the cotangents) during
    /// the x̂0-with-VJP call; 10D around the DDIM step; 3D for the metrics.
    public func peakBytes(_ m: SolveMemory) -> Int? { m.guidedStyle() }
}

/// Diffusion posterior sampling (Chung et al. 2023), as in the RED-diff codebase (`original`):
/// r = y − A(x̂0(x_t)), g = ∇_{x_t}‖r‖² through the prior's VJP, and
/// x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ − (ζ/‖r‖)·g, from x_T = √ᾱ_T A⁺y + σ_T z.
///
/// The prior protocol takes the cotangent up front, so a step costs one ε̂ call plus one
/// x̂0-with-VJP call.
enum DPS {
    static func solve(_ problem: InverseProblem, options: DPSOptions, n: Int, base: SeededGenerator,
                      control: SolveControl) throws -> Solution {
        let prior = try problem.requirePrior(for: "dps")
        try options.validate(maxSteps: prior.schedule.count)
        let loop = GuidedDDIM(method: "dps", steps: options.steps, eta: options.eta,
                              explosionCause: "zeta \(options.zeta) too large (try zeta=\(options.zeta / 4))")
        return try loop.solve(problem, n: n, base: base, control: control, guidance: DPSGuidance(op: problem.op, zeta: options.zeta))
    }
}

/// DPS's guidance: the cotangent of ‖r‖² w.r.t. x̂0, −2 J_Aᵀ r, per solution, and the step
/// −(ζ/‖r‖)·g per solution.
struct DPSGuidance: Guidance {
    let op: any ForwardOperator
    let zeta: Double

    func cotangent(x0: Tensor, ax: Tensor, residual: Tensor, t: Int) -> Tensor { op.vjp(at: x0, residual) * -2 }

    func guide(_ next: inout Tensor, gradient g: Tensor, squaredResiduals: [Double], t: Int, s: Int) -> Double {
        let n = squaredResiduals.count
        var meanStep = 0.0
        for i in 0..<n {
            let norm = squaredResiduals[i].squareRoot(), c = norm > 0 ? zeta / norm : 0
            meanStep += c
            var xi = next.item(i)
            xi.add(g.item(i), scaledBy: Float(-c))
            next.setItem(i, to: xi)
        }
        return meanStep / Double(n)
    }
}
