import TensorCore
import Diffusion

extension Sampler {
    /// The estimated peak memory of `solve(problem, method:, n:)` in bytes, on top of what is
    /// allocated before the call (prior, operator, measurement): the sampler's own buffers at
    /// their most numerous plus the prior's `workingBytes` for the call made there, plus the
    /// operator's and the metrics' temporaries. Nil when the prior gives no estimate.
    ///
    /// For refusing work that would not fit (compare with `SystemMemory.available`); an
    /// estimate, checked against measured peaks by `red-bench large`.
    public static func estimatedPeakBytes(_ problem: InverseProblem, method: SamplerMethod, n: Int = 1) -> Int? {
        guard let prior = problem.prior else {
            // the pseudo-inverse alone: the solution, the operator's temporaries and y
            return 6 * n * problem.itemShape.reduce(1, *) * MemoryLayout<Float>.size + 2 * problem.y.count * MemoryLayout<Float>.size + allocatorAllowance
        }
        return estimatedPeakBytes(prior: prior, itemShape: problem.itemShape, measurementCount: problem.y.count,
                           method: method, n: n, metrics: problem.isImage && problem.groundTruth != nil)
    }

    /// `estimatedPeakBytes(_:method:n:)` from the pieces of a problem: items of `itemShape`,
    /// `measurementCount` measured values, and `metrics` when the trace computes PSNR/SSIM
    /// (an image problem with a ground truth).
    ///
    /// With D = n·item floats, each solver states the tensors live at each point of its step
    /// (release builds, where a tensor is freed after its last use; measured by `red-bench large`)
    /// in its `peakBytes`. `allocatorAllowance` is added for the free memory the C allocator
    /// keeps after buffers under 32 MiB come and go.
    public static func estimatedPeakBytes(prior: any DiffusionPrior, itemShape: [Int], measurementCount: Int,
                                          method: SamplerMethod, n: Int = 1, metrics: Bool = false) -> Int? {
        samplerBytes(prior: prior, itemShape: itemShape, measurementCount: measurementCount, method: method, n: n, metrics: metrics)
            .map { $0 + allocatorAllowance }
    }

    /// The estimate without the allocator allowance.
    static func samplerBytes(prior: any DiffusionPrior, itemShape: [Int], measurementCount: Int,
                             method: SamplerMethod, n: Int, metrics: Bool) -> Int? {
        method.solver.peakBytes(SolveMemory(prior: prior, itemShape: itemShape, measurementCount: measurementCount, n: n, metrics: metrics))
    }

    /// Bytes `estimatedPeakBytes` adds for the allocator: glibc serves buffers under its
    /// adaptive mmap threshold (at most 32 MiB) from a heap it trims only lazily, so a pass whose
    /// temporaries are that size keeps up to this much more resident (measured: U-Net forward
    /// passes at 64² and 256² peak 7 and 14 MiB above their replayed allocations).
    public static let allocatorAllowance = 16 << 20
}

/// The sizes a solver's memory estimate is made of, in floats.
public struct SolveMemory {
    /// The prior the solve calls.
    public let prior: any DiffusionPrior
    /// The shape of one item.
    public let itemShape: [Int]
    /// The number of solutions.
    public let n: Int
    /// D = n·item: one batch of iterates.
    public let batch: Int
    /// The operator's temporaries: 4 items and 2 measurements per solution.
    public let op: Int
    /// The metrics' temporaries (0 without metrics): 3 items (the truth and one estimate mapped
    /// to [0, 1], the estimate's copy) plus SSIM's five double-precision moment maps for every
    /// plane filtered at once (`Parallel.threads` of them).
    public let quality: Int

    init(prior: any DiffusionPrior, itemShape: [Int], measurementCount: Int, n: Int, metrics: Bool) {
        self.prior = prior
        self.itemShape = itemShape
        self.n = n
        let d = itemShape.reduce(1, *)
        batch = n * d
        op = 4 * d + 2 * measurementCount
        var quality = 0
        if metrics, itemShape.count == 3, itemShape[1] >= Metrics.ssimWindow, itemShape[2] >= Metrics.ssimWindow {
            let planes = Swift.min(Parallel.threads, itemShape[0])
            quality = 3 * d + planes * 10 * itemShape[1] * (itemShape[2] - Metrics.ssimWindow + 1)   // doubles: 2 floats each
        }
        self.quality = quality
    }

    /// Bytes of `floats` single-precision values.
    public func bytes(_ floats: Int) -> Int { floats * MemoryLayout<Float>.size }

    /// The prior's working bytes for one ε̂ call on the batch (`withVJP`: an x̂0-with-VJP call).
    public func priorBytes(withVJP: Bool) -> Int? { prior.workingBytes(itemShape: itemShape, items: n, withVJP: withVJP) }

    /// The peak of a guided DDIM sampler (DPS, ΠGDM): 2D during the ε̂ call, 6D (ε̂, x̂0, the
    /// cotangents) during the x̂0-with-VJP call, 10D around the DDIM step, 3D for the metrics.
    func guidedStyle() -> Int? {
        guard let eps = priorBytes(withVJP: false), let vjp = priorBytes(withVJP: true) else { return nil }
        return Swift.max(bytes(2 * batch) + eps, bytes(6 * batch) + vjp, bytes(10 * batch + op), bytes(3 * batch + quality))
    }

    /// The peak of a DDIM-style sampler (DDRM, DDIM): 2D during the ε̂ call, 6D around the step,
    /// 3D for the metrics.
    func ddimStyle() -> Int? {
        guard let eps = priorBytes(withVJP: false) else { return nil }
        return Swift.max(bytes(2 * batch) + eps, bytes(6 * batch + op), bytes(3 * batch + quality))
    }
}
