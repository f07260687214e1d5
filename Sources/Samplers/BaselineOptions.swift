/// DPS (Chung et al. 2023): x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ − (ζ/‖r‖)·∇_{x_t}‖r‖², r = y − A(x̂0).
public struct DPSOptions: Sendable, Equatable {
    /// The guidance scale ζ (upstream: 0.5 inpainting, 1.0 SR, 2.0 deblur, 0.4 phase, 0.1 HDR).
    public var zeta: Double
    /// The DDIM stochasticity η (1: DDPM-like ancestral noise).
    public var eta: Double
    public var steps: Int
    public init(zeta: Double = 1.0, eta: Double = 1.0, steps: Int = 1000) { self.zeta = zeta; self.eta = eta; self.steps = steps }

    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkNonNegative("zeta", zeta); try checkUnit("eta", eta)
    }
}

/// ΠGDM (Song et al. 2023), noiseless form: x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ + √ᾱ_s √ᾱ_t·J_{x̂0}ᵀ(A⁺y − A⁺A x̂0).
public struct PiGDMOptions: Sendable, Equatable {
    public var steps: Int
    /// The DDIM stochasticity η (upstream 1).
    public var eta: Double
    /// A multiplier on the guidance term (upstream `grad_term_weight`, 1).
    public var scale: Double
    public init(steps: Int = 100, eta: Double = 1.0, scale: Double = 1.0) { self.steps = steps; self.eta = eta; self.scale = scale }

    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkUnit("eta", eta); try checkNonNegative("scale", scale)
    }
}

/// DDRM (Kawar et al. 2022): DDIM in the SVD basis of A with three cases per coefficient.
public struct DDRMOptions: Sendable, Equatable {
    /// The stochasticity η of the unobserved and the less-noisy coefficients (upstream 0.85).
    public var eta: Double
    /// η_b, the weight of the measurement in the noisier-than-y coefficients (upstream 1).
    public var etaB: Double
    public var steps: Int
    public init(eta: Double = 0.85, etaB: Double = 1.0, steps: Int = 20) { self.eta = eta; self.etaB = etaB; self.steps = steps }

    func validate(maxSteps: Int) throws {
        try checkSteps(steps, maxSteps: maxSteps)
        try checkUnit("eta", eta); try checkUnit("etab", etaB)
    }
}

/// DDIM (Song et al. 2021): an unconditional sample from the prior (ignores y).
public struct DDIMOptions: Sendable, Equatable {
    public var steps: Int
    /// η = 0: deterministic DDIM; η = 1: DDPM-like.
    public var eta: Double
    public init(steps: Int = 50, eta: Double = 0.0) { self.steps = steps; self.eta = eta }

    func validate(maxSteps: Int) throws { try checkSteps(steps, maxSteps: maxSteps); try checkUnit("eta", eta) }
}

func checkNonNegative(_ name: String, _ v: Double) throws {
    guard v.isFinite, v >= 0 else { throw SamplerError.invalidOption(name: name, value: "\(v)", expected: "a number ≥ 0") }
}

func checkUnit(_ name: String, _ v: Double) throws {
    guard v.isFinite, v >= 0, v <= 1 else { throw SamplerError.invalidOption(name: name, value: "\(v)", expected: "a number in [0, 1]") }
}
