extension UNetPrior {
    /// The project's shipped small U-Net (`priors/unet.safetensors` under the standard-library
    /// folder `stdlib`, trained by `Scripts/train-unet`; see `priors/UNET-ATTRIBUTION.md`).
    /// - Throws: `NetworkError.file` when the file is missing or malformed.
    public static func shipped(stdlib: String) throws -> UNetPrior {
        try UNetPrior(contentsOf: (stdlib.hasSuffix("/") ? stdlib : stdlib + "/") + "priors/unet.safetensors")
    }
}
