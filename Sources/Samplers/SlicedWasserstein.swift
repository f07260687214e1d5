import TensorCore

/// Sliced Wasserstein-1 distance between two sample sets of vectors (`Docs/algorithms.md` §6).
///
/// SW1(a, b) = mean over unit directions θ of W1(θᵀa, θᵀb), where the 1-D W1 between two
/// empirical distributions (sizes may differ) is exactly ∫|F_a(s) − F_b(s)| ds.
public enum SlicedWasserstein {
    /// The result of comparing two sample sets.
    public struct Comparison: Sendable, Equatable {
        /// The sliced Wasserstein-1 distance.
        public var slicedWasserstein: Double
        /// ‖mean(a) − mean(b)‖ (Euclidean).
        public var meanError: Double
    }

    /// SW1 over `directions` (≥ 1; the language uses ≥ 100) seeded random unit directions.
    /// - Parameters: a `[na, D]`, b `[nb, D]`.
    /// - Throws: `SamplerError.invalidSamples` for empty sets or mismatched dimensions.
    public static func distance(_ a: Tensor, _ b: Tensor, directions: Int = 100,
                                using rng: inout SeededGenerator) throws -> Double {
        try checkPair(a, b)
        guard directions >= 1 else {
            throw SamplerError.invalidOption(name: "directions", value: "\(directions)", expected: "an integer ≥ 1")
        }
        return try distance(a, b, directions: randomDirections(directions, dim: a.shape[1], using: &rng))
    }

    /// SW1 over the given directions `[K, D]` (rows are normalised here).
    public static func distance(_ a: Tensor, _ b: Tensor, directions: Tensor) throws -> Double {
        try checkPair(a, b)
        let d = a.shape[1]
        guard directions.rank == 2, directions.shape[1] == d, directions.shape[0] >= 1 else {
            throw SamplerError.invalidSamples("directions must be [K, \(d)], got \(directions.shape)")
        }
        let k = directions.shape[0]
        var dirs = directions
        for i in 0..<k {
            let row = dirs.item(i), nrm = row.norm()
            guard nrm > 0, nrm.isFinite else { throw SamplerError.invalidSamples("direction \(i) has zero or non-finite length") }
            dirs.setItem(i, to: row / nrm)
        }
        // Projections [K, n]: directions × samplesᵀ.
        let pa = Linalg.matmul(dirs, a, transposeB: true), pb = Linalg.matmul(dirs, b, transposeB: true)
        var total = 0.0
        for i in 0..<k { total += wasserstein1D(pa.item(i).scalars, pb.item(i).scalars) }
        return total / Double(k)
    }

    /// SW1 (seeded directions) and the mean error.
    public static func compare(_ a: Tensor, _ b: Tensor, directions: Int = 100,
                               using rng: inout SeededGenerator) throws -> Comparison {
        Comparison(slicedWasserstein: try distance(a, b, directions: directions, using: &rng),
                   meanError: try meanError(a, b))
    }

    /// ‖mean(a) − mean(b)‖ over the sample axis.
    public static func meanError(_ a: Tensor, _ b: Tensor) throws -> Double {
        try checkPair(a, b)
        let ma = a.sumOverItems() / Float(a.shape[0]), mb = b.sumOverItems() / Float(b.shape[0])
        return (ma - mb).squaredNorm().squareRoot()
    }

    /// The exact W1 between the empirical distributions of `x` and `y`: ∫|F_x − F_y|.
    public static func wasserstein1D(_ x: [Float], _ y: [Float]) -> Double {
        guard !x.isEmpty, !y.isEmpty else { return .nan }
        let xs = x.sorted(), ys = y.sorted()
        let nx = Double(xs.count), ny = Double(ys.count)
        var i = 0, j = 0, total = 0.0
        var prev = Double(Swift.min(xs[0], ys[0]))
        while i < xs.count || j < ys.count {
            let next: Double
            if j >= ys.count || (i < xs.count && xs[i] <= ys[j]) { next = Double(xs[i]) } else { next = Double(ys[j]) }
            total += Swift.abs(Double(i) / nx - Double(j) / ny) * (next - prev)
            prev = next
            // Step both CDFs past every sample equal to `next`.
            while i < xs.count && Double(xs[i]) == next { i += 1 }
            while j < ys.count && Double(ys[j]) == next { j += 1 }
        }
        return total
    }

    /// `count` directions drawn uniformly on the unit sphere of R^dim `[count, dim]`.
    public static func randomDirections(_ count: Int, dim: Int, using rng: inout SeededGenerator) -> Tensor {
        var dirs = Random.normal([count, dim], using: &rng)
        for i in 0..<count {
            var row = dirs.item(i)
            let nrm = row.norm()
            row = nrm > 0 ? row / nrm : Tensor(shape: [dim], scalars: (0..<dim).map { $0 == 0 ? 1 : 0 })
            dirs.setItem(i, to: row)
        }
        return dirs
    }

    static func checkPair(_ a: Tensor, _ b: Tensor) throws {
        guard a.rank == 2, b.rank == 2 else {
            throw SamplerError.invalidSamples("sample sets must be [n, D] matrices, got \(a.shape) and \(b.shape)")
        }
        guard a.shape[0] >= 1, b.shape[0] >= 1 else { throw SamplerError.invalidSamples("a sample set is empty") }
        guard a.shape[1] == b.shape[1] else {
            throw SamplerError.invalidSamples("the sample sets have dimensions \(a.shape[1]) and \(b.shape[1])")
        }
        guard a.isFinite, b.isFinite else { throw SamplerError.invalidSamples("a sample set has non-finite values") }
    }
}
