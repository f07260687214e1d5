import Foundation
import Diffusion
import Denoisers
import Networks

/// The priors the language knows by name, and loading of every supported prior file.
///
/// - `natural`: the shipped natural-image prior, the patch GMM (`Stdlib/priors/natural.safetensors`).
///   Measured (`Scripts/bench composite`, RED-diff 100 steps on 128² crops): the composite with
///   the 17-layer DnCNN family gains only +0.01 to +0.2 dB over it at 5–17× the time, and the
///   6-layer family loses 0.0–0.3 dB, so `natural` stays the patch GMM; `composite` is one word away.
/// - `patch`: the same patch GMM, by its own name.
/// - `composite`: the patch GMM with a DnCNN family answering at 0.045 < σ ≤ 0.2 ([0, 1] units),
///   where DnCNN denoises better one-shot (`Scripts/bench denoiser-priors`).
/// - `dncnn`: the DnCNN family alone (depth 17 or 6), valid at small noise only.
/// - `unet`: the shipped U-Net (`Stdlib/priors/unet.safetensors`) when present.
enum PriorCatalog {
    /// The names `prior NAME` accepts (besides `gmm` and files).
    static let names = ["natural", "patch", "dncnn", "composite", "unet"]

    /// Default band of the composite: DnCNN answers for lower < σ ≤ upper ([0, 1] units).
    static let defaultSwitch = 0.2, defaultLower = 0.045

    /// The prior file kinds defined above `Diffusion`: DnCNN weight files (`kind = dncnn`).
    static let loaders: [String: Priors.Loader] = [
        "dncnn": { path, _ in DnCNNPrior(networks: [try DnCNN(contentsOf: path)], name: "dncnn \((path as NSString).lastPathComponent)") },
    ]

    /// Reads any supported prior file: red-prior files (gmm, patch-gmm, dncnn) and
    /// guided-diffusion U-Net checkpoints (`format = guided-diffusion-unet`).
    static func load(path: String) throws -> any DiffusionPrior {
        if UNetModel.isCheckpoint(path: path) { return try UNetPrior(contentsOf: path) }
        return try Priors.load(path: path, loaders: loaders)
    }

    /// The DnCNN family of one depth from `Stdlib/priors/dncnn/`.
    static func dncnn(stdlib: String, depth: Int) throws -> DnCNNPrior {
        let nets = try ["L", "M", "H", "N"].map { try DnCNN(contentsOf: "\(stdlib)/priors/dncnn/dncnn\(depth)\($0).safetensors") }
        return DnCNNPrior(networks: nets, name: "dncnn\(depth)")
    }

    /// The composite of the patch GMM and a DnCNN family.
    static func composite(stdlib: String, depth: Int = 17, switchSigma: Double = defaultSwitch, lowerSigma: Double = defaultLower) throws -> CompositePrior {
        let patch = try Priors.natural(stdlib: stdlib)
        return CompositePrior(low: try dncnn(stdlib: stdlib, depth: depth), high: patch, switchSigma: switchSigma, lowerSigma: lowerSigma,
                              name: "patch+dncnn\(depth) (\(lowerSigma) < σ ≤ \(switchSigma))")
    }

    /// The shipped natural-image prior.
    static func natural(stdlib: String) throws -> any DiffusionPrior {
        try Priors.natural(stdlib: stdlib)
    }

    /// The shipped U-Net, when the standard library has one.
    static func unet(stdlib: String) throws -> any DiffusionPrior {
        try UNetPrior(contentsOf: "\(stdlib)/priors/unet.safetensors")
    }
}
