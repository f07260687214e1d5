import ScriptLang
import TensorCore
import Samplers

/// One sampler's binding to the language: its `solve` variant (options with their defaults) and
/// how a statement's checked arguments become the sampler's options. A new sampler is one
/// `Solver` in `Samplers` plus one entry of `CommandTable.solvers`.
struct SolverBinding: Sendable {
    /// What the problem needs.
    enum Problem: Sendable {
        /// x, A and y, with a prior.
        case inverse
        /// x, A and y; no prior (a classical baseline).
        case inverseWithoutPrior
        /// An unconditional sample from the prior, shaped like x (y is ignored).
        case unconditional
    }

    let variant: VariantSpec
    let problem: Problem
    /// The sampler with the statement's options (`steps`: already checked against the prior).
    let make: @Sendable (Arguments, _ steps: Int) throws -> SamplerMethod

    var name: String { variant.name }
}

extension CommandTable {
    /// The samplers `solve` knows, in the order `help` lists them.
    static let solvers: [SolverBinding] = [
        SolverBinding(variant: VariantSpec(REDDiffOptions.name, "", "RED-diff (variational, Adam on μ)", [steps(REDDiffOptions().steps)] + redDiffOptions),
                      problem: .inverse) { a, steps in
            var options = REDDiffOptions(
                steps: steps, lr: try a.number("lr"), lambda: try a.number("lambda"),
                weighting: try a.choice("weight", as: REDDiffOptions.Weighting.self), order: try a.choice("order", as: REDDiffOptions.Order.self),
                initialization: try a.choice("init", as: REDDiffOptions.Initialization.self),
                obsWeight: try a.observationWeight(), optimizer: try a.choice("optimizer", as: REDDiffOptions.Optimizer.self))
            options.lrScale = try a.choice("lrscale", as: REDDiffOptions.LearningRateScale.self)
            options.lrSchedule = try a.choice("lrschedule", as: REDDiffOptions.LearningRateSchedule.self)
            options.tMax = a.has("tmax") ? try a.integer("tmax") : nil
            return .reddiff(options)
        },
        SolverBinding(variant: VariantSpec(DPSOptions.name, "", "diffusion posterior sampling",
                                           [steps(DPSOptions().steps), .number("zeta", DPSOptions().zeta, "guidance step ζ", min: 0), eta(DPSOptions().eta)]),
                      problem: .inverse) { a, steps in
            .dps(DPSOptions(zeta: try a.number("zeta"), eta: try a.number("eta"), steps: steps))
        },
        SolverBinding(variant: VariantSpec(PiGDMOptions.name, "", "pseudo-inverse guided diffusion",
                                           [steps(PiGDMOptions().steps), eta(PiGDMOptions().eta),
                                            .number("scale", PiGDMOptions().scale, "guidance scale", min: 0),
                                            .choice("form", PiGDMOptions().form, "noiseless: A⁺y − A⁺A x̂0 (upstream); noisy: the paper's σ_y-aware guidance")]),
                      problem: .inverse) { a, steps in
            .pigdm(PiGDMOptions(steps: steps, eta: try a.number("eta"), scale: try a.number("scale"),
                                form: try a.choice("form", as: PiGDMOptions.Form.self)))
        },
        SolverBinding(variant: VariantSpec(DDRMOptions.name, "", "denoising diffusion restoration",
                                           [steps(DDRMOptions().steps), eta(DDRMOptions().eta, "η"),
                                            .number("etab", DDRMOptions().etaB, "η_b", min: 0, max: 1)]),
                      problem: .inverse) { a, steps in
            .ddrm(DDRMOptions(eta: try a.number("eta"), etaB: try a.number("etab"), steps: steps))
        },
        SolverBinding(variant: VariantSpec(PseudoInverse.name, "", "the pseudo-inverse A⁺y, a baseline"),
                      problem: .inverseWithoutPrior) { _, _ in .pinv },
        SolverBinding(variant: VariantSpec(DDIMOptions.name, "", "unconditional sample from the prior (ignores y)",
                                           [steps(DDIMOptions().steps), eta(DDIMOptions().eta)]),
                      problem: .unconditional) { a, steps in
            .ddim(DDIMOptions(steps: steps, eta: try a.number("eta")))
        },
    ]

    /// The binding of solve method `name`.
    static func solver(_ name: String) -> SolverBinding? { solvers.first { $0.name == name } }

    static let solveCommon: [OptionSpec] = [
        .integer("n", 1, "independent solutions, one seed each", min: 1, max: Sampler.maxSolutions),
        .choice("keep", SolutionSelection.all, "all n solutions, or the one that fits y best (fit: restarts for phase retrieval)"),
        .integer("stop", nil, "stop after this many of the steps (how `save session` records an interrupted solve)", min: 0),
    ]

    /// `steps` of one solve method, with that method's default (what its paper runs; `pinv` has none).
    static func steps(_ n: Int) -> OptionSpec { .integer("steps", n, "number of diffusion steps", min: 1) }

    /// DDIM's stochasticity η with a method's default.
    static func eta(_ value: Double, _ help: String = "DDIM η") -> OptionSpec { .number("eta", value, help, min: 0, max: 1) }

    static let redDiffOptions: [OptionSpec] = {
        let d = REDDiffOptions()
        return [
            .number("lr", d.lr, "Adam learning rate (the official configuration's; the paper's text uses 0.5)", min: 0, exclusiveMin: true),
            .choice("lrscale", d.lrScale, "data: lr is for images in [-1,1] and scales with the prior's spread"),
            .number("lambda", d.lambda, "regularisation weight λ", min: 0),
            .choice("weight", d.weighting, "time weighting (snr: λ·σ_t/α_t)"),
            .choice("order", d.order, "order of the timesteps"),
            .choice("init", d.initialization, "initial μ (classical: biharmonic fill, bicubic upsampling, else A⁺y)"),
            .number("obsweight", { if case let .fixed(v) = d.obsWeight { v } else { nil } }(),
                    "weight v of the observation loss, or 'auto' (v = (0.1/σ_y)², capped at 100)", min: 0),
            .choice("optimizer", d.optimizer, "optimizer of μ"),
            .choice("lrschedule", d.lrSchedule, "learning rate over the steps: constant (the paper), linear or cosine decay to 0"),
            .integer("tmax", d.tMax, "start the time grid below this t (default: the prior's T, as the paper)", min: 1),
        ]
    }()
}

extension Arguments {
    /// RED-diff's `obsweight=`: a number, or `auto` (v = (0.1/σ_y)², capped).
    func observationWeight() throws(Diagnostic) -> REDDiffOptions.ObservationWeight {
        if case .text("auto", _)? = options["obsweight"]?.value { return .auto(reference: REDDiffOptions.ObservationWeight.defaultReference) }
        return .fixed(try number("obsweight"))
    }
}
