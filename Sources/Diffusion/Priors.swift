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

    /// A loader for prior files of one `kind`, registered by modules above `Diffusion` (for
    /// example neural-network priors) with `register(kind:_:)`.
    public typealias Loader = @Sendable (_ path: String, _ metadata: [String: String]) throws -> any DiffusionPrior

    nonisolated(unsafe) private static var loaders: [String: Loader] = [:]
    private static let lock = NSLock()

    /// Makes `load(path:)` accept files whose `kind` metadata is `kind` (replaces an earlier
    /// registration of the same kind; the built-in kinds cannot be replaced).
    public static func register(kind: String, _ loader: @escaping Loader) {
        guard !kinds.contains(kind) else { return }
        lock.lock(); defer { lock.unlock() }
        loaders[kind] = loader
    }

    /// Every kind `load(path:)` accepts now, built-in first.
    public static var supportedKinds: [String] {
        lock.lock(); defer { lock.unlock() }
        return kinds + loaders.keys.sorted()
    }

    /// Reads any supported prior file (`format = red-prior`, dispatching on `kind`: the built-in
    /// kinds, then registered ones).
    /// - Throws: `PriorError` naming the file, and the tensor and its expected shape when one
    ///   does not fit (registered loaders throw their own module's error).
    public static func load(path: String) throws -> any DiffusionPrior {
        let file = try SafeTensorsView(path: path)
        guard file.metadata["format"] == "red-prior" else {
            throw PriorError.metadata(path: path, key: "format", expected: "'red-prior'", found: file.metadata["format"])
        }
        switch file.metadata["kind"] {
        case "gmm": return try GaussianMixturePrior(file: file)
        case "patch-gmm": return try PatchMixturePrior(file: file)
        default:
            let loader: Loader? = { lock.lock(); defer { lock.unlock() }; return file.metadata["kind"].flatMap { loaders[$0] } }()
            if let loader { return try loader(path, file.metadata) }
            throw PriorError.metadata(path: path, key: "kind", expected: "one of " + supportedKinds.map { "'\($0)'" }.joined(separator: ", "),
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
