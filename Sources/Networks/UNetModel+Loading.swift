import TensorCore

extension UNetModel {
    /// The `format` metadata value of a U-Net checkpoint.
    public static let checkpointFormat = "guided-diffusion-unet"

    /// Loads a `.safetensors` checkpoint: the state dict under the original PyTorch key names
    /// (F32, F16 or BF16 tensors) and the `UNetModel` constructor arguments as JSON in the
    /// metadata key `config`; a `format` metadata entry, when present, must be
    /// `guided-diffusion-unet`.
    /// - Throws: `NetworkError.file` (unreadable, no config), `.config`, `.missingTensor`,
    ///   `.unexpectedTensor` or `.shapeMismatch`.
    public init(contentsOf path: String) throws {
        let file = try Self.readCheckpoint(path)
        guard let json = file.metadata["config"] else {
            throw NetworkError.file(path: path, message: "no 'config' metadata (the UNetModel arguments as JSON); convert the checkpoint with Scripts/convert-pt.py")
        }
        try self.init(config: try UNetConfig(json: json), stateDict: file.tensors, path: path)
    }

    /// Reads a safetensors file whose `format` (if any) is a U-Net checkpoint.
    static func readCheckpoint(_ path: String) throws -> SafeTensors {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch let e as TensorError {
            throw NetworkError.file(path: path, message: "\(e)")
        }
        if let f = file.metadata["format"], f != checkpointFormat {
            throw NetworkError.file(path: path, message: "format '\(f)' is not a U-Net checkpoint ('\(checkpointFormat)')")
        }
        return file
    }
}
