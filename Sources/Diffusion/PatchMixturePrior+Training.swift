import TensorCore

extension PatchMixturePrior {
    /// Settings of `PatchMixturePrior.train`.
    public struct TrainingOptions: Sendable {
        /// Patch side (8 gives P = 64).
        public var side = 8
        /// Grid stride of the trained prior (divides `side`).
        public var stride = 4
        /// Components of the luminance mixture.
        public var lumaComponents = 48
        /// Components of the chroma mixture (0: a grayscale-only prior).
        public var chromaComponents = 16
        /// Random patches drawn per mixture.
        public var patches = 200_000
        /// EM iterations per mixture.
        public var iterations = 30
        /// The seed of patch sampling and EM.
        public var seed: UInt64 = 0
        public init() {}
    }

    /// Trains the prior by EM on random patches of `images` (`[C, H, W]` with C = 1 or 3, values in
    /// [0, 1]; at least `side` pixels on each side). `progress(stage, p)` reports each iteration
    /// (`stage` is "luma" or "chroma").
    /// - Throws: `PriorError.invalid` when no image fits or the options are out of range.
    public static func train(images: [Tensor], options o: TrainingOptions,
                             progress: (String, PatchGMMTrainer.Progress) -> Void = { _, _ in }) throws -> PatchMixturePrior {
        let usable = images.filter { $0.rank == 3 && ($0.shape[0] == 1 || $0.shape[0] == 3) && $0.shape[1] >= o.side && $0.shape[2] >= o.side }
        guard !usable.isEmpty else { throw PriorError.invalid("training needs images [C, H, W] with C = 1 or 3 and sides ≥ \(o.side)") }
        guard o.patches >= 2 * max(o.lumaComponents, o.chromaComponents, 1), o.side >= 2, o.side <= 16 else {
            throw PriorError.invalid("training needs side in 2...16 and at least twice as many patches as components")
        }
        var rng = SeededGenerator(seed: o.seed)
        // Opponent-colour planes in model space [-1, 1] (grayscale images contribute luminance only).
        let planes: [(c: Int, h: Int, w: Int, data: [Float])] = usable.map { im in
            let c = im.shape[0], plane = im.shape[1] * im.shape[2]
            var out = [Float](repeating: 0, count: c * plane)
            let model = im.map { 2 * $0 - 1 }
            model.withUnsafeBufferPointer { Colour.forward($0.baseAddress!, into: &out, channels: c, plane: plane, scale: 1) }
            return (c, im.shape[1], im.shape[2], out)
        }
        func sample(_ channels: [Int], count: Int, using rng: inout SeededGenerator) -> Tensor {
            let p = o.side * o.side
            let eligible = planes.indices.filter { i in channels.allSatisfy { $0 < planes[i].c } }
            let areas = eligible.map { Double(planes[$0].h * planes[$0].w) }
            let total = areas.reduce(0, +)
            var out = [Float](repeating: 0, count: count * p)
            for q in 0..<count {
                var u = Double(Random.uniform(using: &rng)) * total, pick = eligible[eligible.count - 1]
                for (e, a) in zip(eligible, areas) { if u < a { pick = e; break }; u -= a }
                let im = planes[pick]
                let ch = channels[Random.index(channels.count, using: &rng)]
                let y = Random.index(im.h - o.side + 1, using: &rng), x = Random.index(im.w - o.side + 1, using: &rng)
                for dy in 0..<o.side { for dx in 0..<o.side {
                    out[q * p + dy * o.side + dx] = im.data[ch * im.h * im.w + (y + dy) * im.w + x + dx]
                } }
            }
            return Tensor(shape: [count, p], scalars: out)
        }
        let lumaPatches = sample([0], count: o.patches, using: &rng)
        let luma = try PatchGMMTrainer(components: o.lumaComponents, side: o.side, iterations: o.iterations, seed: o.seed &+ 1)
            .fit(lumaPatches) { progress("luma", $0) }
        var chroma: PatchGMM? = nil
        if o.chromaComponents > 0 && planes.contains(where: { $0.c == 3 }) {
            let chromaPatches = sample([1, 2], count: o.patches, using: &rng)
            chroma = try PatchGMMTrainer(components: o.chromaComponents, side: o.side, iterations: o.iterations, seed: o.seed &+ 2)
                .fit(chromaPatches) { progress("chroma", $0) }
        }
        return try PatchMixturePrior(luma: luma, chroma: chroma, stride: o.stride)
    }
}
