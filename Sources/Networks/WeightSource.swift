import TensorCore

/// Hands out the parameters of a network while it is being built: from a checkpoint (checking
/// every key and shape and, at the end, that no tensor was left over) or freshly random.
struct WeightSource {
    /// How a random parameter is drawn.
    enum Kind {
        /// N(0, 1)/√fanIn (convolution and linear weights).
        case weight(fanIn: Int)
        /// 0.1·N(0, 1) (biases, GroupNorm β, embeddings).
        case small
        /// 1 + 0.1·N(0, 1) (GroupNorm γ).
        case normScale
    }

    private enum Origin {
        case file([String: Tensor], path: String)
        case random(SeededGenerator)
    }

    private var origin: Origin
    private(set) var used: Set<String> = []
    /// Every key requested, with its shape, in construction order.
    private(set) var requested: [(key: String, shape: [Int])] = []

    /// Parameters from the tensors of a checkpoint (`path` names it in errors).
    init(tensors: [String: Tensor], path: String) { origin = .file(tensors, path: path) }

    /// Random parameters (every branch non-zero, so each one affects the output).
    init(random rng: SeededGenerator) { origin = .random(rng) }

    /// The parameter `key` of shape `shape`.
    /// - Throws: `NetworkError.missingTensor` or `.shapeMismatch`.
    mutating func take(_ key: String, _ shape: [Int], _ kind: Kind) throws -> Tensor {
        requested.append((key, shape))
        switch origin {
        case let .file(tensors, path):
            guard let t = tensors[key] else { throw NetworkError.missingTensor(key: key, expected: shape, path: path) }
            guard t.shape == shape else { throw NetworkError.shapeMismatch(key: key, expected: shape, found: t.shape, path: path) }
            used.insert(key)
            return t
        case var .random(rng):
            var t = Random.normal(shape, using: &rng)
            origin = .random(rng)
            switch kind {
            case let .weight(fanIn): t *= 1 / Float(Swift.max(fanIn, 1)).squareRoot()
            case .small: t *= 0.1
            case .normScale: t *= 0.1; t += 1
            }
            return t
        }
    }

    /// Throws when the checkpoint holds tensors that were never requested.
    /// - Throws: `NetworkError.unexpectedTensor` naming the first such key (sorted).
    func checkAllUsed() throws {
        guard case let .file(tensors, path) = origin else { return }
        if let extra = tensors.keys.filter({ !used.contains($0) }).sorted().first, let t = tensors[extra] {
            throw NetworkError.unexpectedTensor(key: extra, found: t.shape, path: path)
        }
    }

    // MARK: - Layer helpers (PyTorch key names)

    /// A `Conv2d` at `prefix` (`.weight` `[out, in, k, k]`, `.bias` `[out]`).
    mutating func conv(_ prefix: String, _ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int) throws -> Conv2D {
        let w = try take(prefix + ".weight", [cout, cin, kernel, kernel], .weight(fanIn: cin * kernel * kernel))
        let b = try take(prefix + ".bias", [cout], .small)
        return Conv2D(weight: w, bias: b, stride: stride, padding: padding)
    }

    /// A 1×1 `Conv1d` at `prefix` (`.weight` `[out, in, 1]`) as a 1×1 `Conv2D`.
    mutating func conv1d(_ prefix: String, _ cin: Int, _ cout: Int) throws -> Conv2D {
        let w = try take(prefix + ".weight", [cout, cin, 1], .weight(fanIn: cin))
        let b = try take(prefix + ".bias", [cout], .small)
        return Conv2D(weight: w.reshaped([cout, cin, 1, 1]), bias: b)
    }

    /// A `Linear` at `prefix`.
    mutating func linear(_ prefix: String, _ cin: Int, _ cout: Int) throws -> Linear {
        let w = try take(prefix + ".weight", [cout, cin], .weight(fanIn: cin))
        let b = try take(prefix + ".bias", [cout], .small)
        return Linear(weight: w, bias: b)
    }

    /// A `GroupNorm32` at `prefix`.
    mutating func norm(_ prefix: String, _ channels: Int) throws -> GroupNorm {
        GroupNorm(groups: 32, epsilon: 1e-5, weight: try take(prefix + ".weight", [channels], .normScale),
                  bias: try take(prefix + ".bias", [channels], .small))
    }
}
