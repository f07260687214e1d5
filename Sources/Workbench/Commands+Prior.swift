import Foundation
import ScriptLang
import TensorCore
import Diffusion

extension Session {
    func cmdPrior(_ a: Arguments) throws {
        let prior: any DiffusionPrior
        let name: String
        switch a.positionals.first?.value {
        case .text("natural", false)?:
            try a.atMost(1)
            guard let dir = stdlibDirectory else {
                throw failure(a, "the standard library folder was not found (set RED_STDLIB to the folder holding prelude.red)", kind: .input)
            }
            let path = (dir as NSString).appendingPathComponent("priors/natural.safetensors")
            guard FileManager.default.fileExists(atPath: path) else {
                throw failure(a, "the natural-image prior '\(path)' is missing; run Scripts/setup (or give a prior file: prior \"FILE.safetensors\")", kind: .input)
            }
            prior = try attempt(a, kind: .input) { try Priors.load(path: path) }
            name = "natural"
        case .text("gmm", false)?:
            try a.atMost(2)
            if a.positionals.count > 1 {
                let layout = try a.positionalText(1, "a layout")
                guard layout == "grid" else {
                    throw a.error(.badChoice("layout", value: layout, choices: ["grid"], suggestion: EditDistance.suggestion(for: layout, among: ["grid"])), a.positionals[1].range)
                }
            }
            let dim = try a.integer("dim", default: 8, min: 1, max: 4096)
            prior = try attempt(a) { try GaussianMixturePrior.grid(dim: dim) }
            name = "gmm grid dim=\(dim)"
        case let .text(path, _)?:
            try a.atMost(1)
            let resolved = resolveInput(path)
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw failure(a, "cannot read '\(path)': no such file", at: a.positionals[0].range, kind: .input)
            }
            prior = try attempt(a, at: a.positionals[0].range, kind: .input) { try Priors.load(path: resolved) }
            name = "\"\(path)\" (\(prior.name))"
        default:
            throw a.error(.missingVariant(command: "prior", expected: ["natural", "gmm", "\"FILE.safetensors\""]))
        }
        state.prior = prior
        state.priorName = name
    }
}
