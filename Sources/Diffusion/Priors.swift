import Foundation
import TensorCore

/// The tensors and metadata of a prior file together with its path (for error messages).
struct SafeTensorsView {
    let path: String
    let tensors: [String: Tensor]
    let metadata: [String: String]

    /// Reads `path`, mapping TensorCore's errors to `PriorError.file`.
    init(path: String) throws {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch let e as TensorError {
            switch e {
            case let .io(_, m), let .format(_, m): throw PriorError.file(path: path, message: m)
            default: throw PriorError.file(path: path, message: e.description)
            }
        }
        self.path = path
        tensors = file.tensors
        metadata = file.metadata
    }

    /// The integer metadata entry `key`.
    func integer(_ key: String, range: ClosedRange<Int>) throws -> Int {
        guard let s = metadata[key], let v = Int(s), range.contains(v) else {
            throw PriorError.metadata(path: path, key: key, expected: "an integer in \(range.lowerBound)...\(range.upperBound)", found: metadata[key])
        }
        return v
    }
}

/// Loading priors from files.
public enum Priors {
    /// The prior kinds a file may declare in its `kind` metadata.
    public static let kinds = ["gmm", "patch-gmm"]

    /// A loader for prior files of one `kind` defined by a module above `Diffusion` (for example
    /// a neural-network prior), given to `load(path:loaders:)`.
    public typealias Loader = @Sendable (_ path: String, _ metadata: [String: String]) throws -> any DiffusionPrior

    /// Reads any supported prior file (`format = red-prior`, dispatching on `kind`: the built-in
    /// kinds, then those of `loaders`; the built-in kinds cannot be replaced).
    /// - Throws: `PriorError` naming the file, and the tensor and its expected shape when one
    ///   does not fit (`loaders` throw their own module's error).
    public static func load(path: String, loaders: [String: Loader] = [:]) throws -> any DiffusionPrior {
        let file = try SafeTensorsView(path: path)
        guard file.metadata["format"] == "red-prior" else {
            throw PriorError.metadata(path: path, key: "format", expected: "'red-prior'", found: file.metadata["format"])
        }
        switch file.metadata["kind"] {
        case "gmm": return try GaussianMixturePrior(file: file)
        case "patch-gmm": return try PatchMixturePrior(file: file)
        default:
            if let kind = file.metadata["kind"], let loader = loaders[kind] { return try loader(path, file.metadata) }
            let supported = kinds + loaders.keys.filter { !kinds.contains($0) }.sorted()
            throw PriorError.metadata(path: path, key: "kind", expected: "one of " + supported.map { "'\($0)'" }.joined(separator: ", "),
                                      found: file.metadata["kind"])
        }
    }

    /// The shipped natural-image prior `priors/natural.safetensors` of the standard library
    /// folder `stdlib` (a `PatchMixturePrior`).
    /// - Throws: `PriorError` when the file is missing or malformed.
    public static func natural(stdlib: String) throws -> PatchMixturePrior {
        let path = (stdlib.hasSuffix("/") ? stdlib : stdlib + "/") + "priors/natural.safetensors"
        return try PatchMixturePrior(contentsOf: path)
    }
}
