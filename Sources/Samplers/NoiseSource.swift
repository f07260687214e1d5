import TensorCore

/// Where a sampler's standard normal noise comes from, per solution.
///
/// Solution `item` asks for its draws in order; the default source gives each solution its own
/// seeded stream so that solution i depends only on its seed. Tests inject recorded noises.
public protocol NoiseSource {
    /// The next standard normal draw of shape `shape` for solution `item`.
    mutating func next(item: Int, shape: [Int]) -> Tensor
}

/// Independent seeded N(0, I) streams, one per solution.
public struct SeededNoise: NoiseSource {
    var generators: [SeededGenerator]
    /// Streams `base.derived(i)` for i in 0..<n.
    public init(base: SeededGenerator, count n: Int) { generators = (0..<n).map { base.derived($0) } }
    public mutating func next(item: Int, shape: [Int]) -> Tensor { Random.normal(shape, using: &generators[item]) }
}

/// Pre-recorded noises: `noises[item]` is `[draws, item…]`, handed out in order (for tests that
/// replay a reference trajectory). Past the end it repeats the last draw.
public struct RecordedNoise: NoiseSource {
    let noises: [Tensor]
    var cursor: [Int]
    public init(_ noises: [Tensor]) { self.noises = noises; cursor = Array(repeating: 0, count: noises.count) }
    public mutating func next(item: Int, shape: [Int]) -> Tensor {
        let all = noises[item]
        let k = Swift.min(cursor[item], all.shape[0] - 1)
        cursor[item] += 1
        return all.item(k).reshaped(shape)
    }
}
