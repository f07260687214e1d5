import TensorCore

extension GaussianMixturePrior {
    /// Reads a prior file with tensors `weights` [K], `means` [K, D], `covariances` [K, D, D] and
    /// metadata `format = red-prior`, `kind = gmm`.
    /// - Throws: `PriorError` naming the file and the tensor or metadata entry that does not fit.
    public convenience init(contentsOf path: String, schedule: NoiseSchedule = .linear()) throws {
        let file = try SafeTensorsView(path: path)
        guard file.metadata["format"] == "red-prior" else {
            throw PriorError.metadata(path: path, key: "format", expected: "'red-prior'", found: file.metadata["format"])
        }
        guard file.metadata["kind"] == "gmm" else {
            throw PriorError.metadata(path: path, key: "kind", expected: "'gmm'", found: file.metadata["kind"])
        }
        try self.init(file: file, schedule: schedule)
    }

    /// Builds the prior from a parsed file whose format and kind were checked.
    convenience init(file: SafeTensorsView, schedule: NoiseSchedule = .linear()) throws {
        let weights = try PriorError.require(file, "weights", shape: [nil])
        let k = weights.count
        if let declared = file.metadata["components"], Int(declared) != k {
            throw PriorError.metadata(path: file.path, key: "components", expected: "'\(k)' (the length of 'weights')", found: declared)
        }
        let means = try PriorError.require(file, "means", shape: [k, nil])
        let d = means.shape[1]
        if let declared = file.metadata["dim"], Int(declared) != d {
            throw PriorError.metadata(path: file.path, key: "dim", expected: "'\(d)' (the width of 'means')", found: declared)
        }
        let cov = try PriorError.require(file, "covariances", shape: [k, d, d])
        do {
            try self.init(weights: weights, means: means, covariances: cov, schedule: schedule,
                          name: "gmm K=\(k) dim=\(d) (\(file.path.split(separator: "/").last.map(String.init) ?? file.path))")
        } catch let e as PriorError {
            throw PriorError.file(path: file.path, message: e.description)
        }
    }

    /// The prior as a safetensors file (`weights`, `means`, `covariances`; metadata
    /// `format = red-prior`, `kind = gmm`, `dim`, `components`).
    public var safeTensors: SafeTensors {
        SafeTensors(tensors: ["weights": weights, "means": means, "covariances": covariances],
                    metadata: ["format": "red-prior", "kind": "gmm", "dim": String(dim), "components": String(count)])
    }

    /// Writes the prior to `path` (atomically).
    /// - Throws: `PriorError.file` when the file cannot be written.
    public func write(to path: String) throws {
        do { try safeTensors.write(to: path) } catch { throw PriorError.file(path: path, message: "cannot write the prior: \(error)") }
    }
}
