import TensorCore

extension PatchMixturePrior {
    /// The prior as a safetensors file: tensors `luma.weights` [K], `luma.means` [K, P],
    /// `luma.covariances` [K, P, P] (and `chroma.*`), metadata `format = red-prior`,
    /// `kind = patch-gmm`, `patch`, `stride`, `colour = opponent`, plus `extra` entries.
    public func safeTensors(extra: [String: String] = [:]) -> SafeTensors {
        var tensors = ["luma.weights": luma.weights, "luma.means": luma.means, "luma.covariances": luma.covariances]
        if let chroma {
            tensors["chroma.weights"] = chroma.weights; tensors["chroma.means"] = chroma.means
            tensors["chroma.covariances"] = chroma.covariances
        }
        var meta = extra
        meta["format"] = "red-prior"; meta["kind"] = "patch-gmm"; meta["patch"] = String(side)
        meta["stride"] = String(stride); meta["colour"] = "opponent"
        return SafeTensors(tensors: tensors, metadata: meta)
    }

    /// Writes the prior to `path` (atomically).
    /// - Throws: `PriorError.file` when the file cannot be written.
    public func write(to path: String, extra: [String: String] = [:]) throws {
        do { try safeTensors(extra: extra).write(to: path) } catch { throw PriorError.file(path: path, message: "cannot write the prior: \(error)") }
    }

    /// Reads a `patch-gmm` prior file.
    /// - Throws: `PriorError` naming the file and the tensor or metadata entry that does not fit.
    public convenience init(contentsOf path: String, schedule: NoiseSchedule = .linear()) throws {
        let file = try SafeTensorsView(path: path)
        guard file.metadata["format"] == "red-prior", file.metadata["kind"] == "patch-gmm" else {
            throw PriorError.metadata(path: path, key: "kind", expected: "'patch-gmm' (with format 'red-prior')", found: file.metadata["kind"])
        }
        try self.init(file: file, schedule: schedule)
    }

    convenience init(file: SafeTensorsView, schedule: NoiseSchedule = .linear()) throws {
        let side = try file.integer("patch", range: 1...32)
        let stride = try file.integer("stride", range: 1...side)
        if let colour = file.metadata["colour"], colour != "opponent" {
            throw PriorError.metadata(path: file.path, key: "colour", expected: "'opponent'", found: colour)
        }
        func mixture(_ prefix: String) throws -> PatchGMM {
            let p = side * side
            let w = try PriorError.require(file, "\(prefix).weights", shape: [nil])
            let m = try PriorError.require(file, "\(prefix).means", shape: [w.count, p])
            let c = try PriorError.require(file, "\(prefix).covariances", shape: [w.count, p, p])
            do { return try PatchGMM(side: side, weights: w, means: m, covariances: c) } catch let e as PriorError {
                throw PriorError.file(path: file.path, message: "\(prefix): \(e)")
            }
        }
        let luma = try mixture("luma")
        let chroma = file.tensors["chroma.weights"] == nil ? nil : try mixture("chroma")
        do {
            try self.init(luma: luma, chroma: chroma, stride: stride, schedule: schedule,
                          name: file.path.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? "patch-gmm")
        } catch let e as PriorError { throw PriorError.file(path: file.path, message: e.description) }
    }
}
