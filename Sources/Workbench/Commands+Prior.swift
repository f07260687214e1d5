import Foundation
import ScriptLang
import TensorCore
import Diffusion
import Networks
import Samplers

extension Session {
    func cmdPrior(_ a: Arguments) throws {
        let prior: any DiffusionPrior
        let name: String
        var priorFile: String?
        switch a.positionals.first?.value {
        case .text("remote", false)?:
            try cmdPriorRemote(a)
            return
        case let .text(word, false)? where PriorCatalog.names.contains(word):
            guard let dir = stdlibDirectory else {
                throw failure(a, "the standard library folder was not found (set RED_STDLIB to the folder holding prelude.red)", kind: .input)
            }
            switch word {
            case "dncnn":
                try a.atMost(1)
                let depth = try dncnnDepth(a)
                prior = try attempt(a, kind: .input) { try PriorCatalog.dncnn(stdlib: dir, depth: depth) }
                name = "dncnn depth=\(depth)"
            case "composite":
                try a.atMost(1)
                let depth = try dncnnDepth(a)
                let upper = try a.number("switch")
                let lower = try a.number("lower", max: upper)
                prior = try attempt(a, kind: .input) { try PriorCatalog.composite(stdlib: dir, depth: depth, switchSigma: upper, lowerSigma: lower) }
                name = "composite depth=\(depth) lower=\(lower) switch=\(upper)"
            case "patch":
                try a.atMost(1)
                prior = try attempt(a, kind: .input) { try Priors.natural(stdlib: dir) }
                name = "patch"
                priorFile = (dir as NSString).appendingPathComponent("priors/natural.safetensors")
            case "unet":
                prior = try shippedPrior(a, dir, "priors/unet.safetensors",
                                         missing: { "no shipped U-Net in '\($0)'; give a checkpoint file: prior \"model.safetensors\"" }) {
                    try PriorCatalog.unet(stdlib: dir)
                }
                name = "unet"
                priorFile = (dir as NSString).appendingPathComponent("priors/unet.safetensors")
            default:
                prior = try shippedPrior(a, dir, "priors/natural.safetensors", missing: {
                    "the natural-image prior '\($0)' is missing; run Scripts/setup (or give a prior file: prior \"FILE.safetensors\")"
                }) { try PriorCatalog.natural(stdlib: dir) }
                name = "natural"
                priorFile = (dir as NSString).appendingPathComponent("priors/natural.safetensors")
            }
        case .text("gmm", false)?:
            try a.atMost(2)
            if a.positionals.count > 1 {
                let layout = try a.positionalText(1, "a layout")
                guard layout == "grid" else {
                    throw a.error(.badChoice("layout", value: layout, choices: ["grid"], suggestion: EditDistance.suggestion(for: layout, among: ["grid"])), a.positionals[1].range)
                }
            }
            let dim = try a.integer("dim")
            prior = try attempt(a) { try GaussianMixturePrior.grid(dim: dim) }
            name = "gmm grid dim=\(dim)"
        case let .text(path, _)?:
            try a.atMost(1)
            let resolved = resolveInput(path)
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw failure(a, "cannot read '\(path)': no such file", at: a.positionals[0].range, kind: .input)
            }
            prior = try attempt(a, at: a.positionals[0].range, kind: .input) { try PriorCatalog.load(path: resolved) }
            name = "\"\(path)\" (\(prior.name))"
            priorFile = resolved
        default:
            throw a.error(.missingVariant(command: "prior", expected: PriorCatalog.names + ["gmm", "\"FILE.safetensors\""]))
        }
        let use = try a.choice("settings", as: RecommendedSettings.Use.self)
        let settings = use == .official ? nil : try recommendedSettings(a, file: priorFile)
        state.prior = prior
        state.priorName = use == .official ? name + Session.officialSettingsSuffix : name
        state.priorSettings = settings
    }

    /// Appended to the prior's name in `show` when `settings=official` set its recommendations aside.
    static let officialSettingsSuffix = " settings=official"

    /// The sampler settings recorded in a prior file's metadata (`red_settings`), if any.
    func recommendedSettings(_ a: Arguments, file: String?) throws -> RecommendedSettings? {
        guard let file, let json = UNetModel.metadata(ofFileAt: file)?[RecommendedSettings.metadataKey] else { return nil }
        return try attempt(a, kind: .input) { try RecommendedSettings(json: json) }
    }

    /// A prior whose weights ship in the standard library folder `dir` as `file`; `missing(path)`
    /// is the message when that file is absent.
    private func shippedPrior(_ a: Arguments, _ dir: String, _ file: String, missing: (String) -> String,
                              load: () throws -> any DiffusionPrior) throws -> any DiffusionPrior {
        try a.atMost(1)
        let path = (dir as NSString).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: path) else { throw failure(a, missing(path), kind: .input) }
        return try attempt(a, kind: .input, load)
    }

    /// The `depth=` option of `prior dncnn|composite`: 6 or 17, the shipped networks.
    private func dncnnDepth(_ a: Arguments) throws -> Int {
        let depth = try a.integer("depth")
        guard depth == 6 || depth == 17 else {
            throw failure(a, "depth=\(depth): the shipped DnCNN networks have depth 6 or 17", at: a.options["depth"]?.range)
        }
        return depth
    }
}
