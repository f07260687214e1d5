import Testing
import TensorCore
import Degradations
import Diffusion
@testable import Samplers

/// `Sampler.estimatedPeakBytes`: the prior's working memory plus the sampler's buffers.
struct MemoryEstimateTests {
    /// A patch prior with one flat 2×2 component per colour plane.
    static func patchPrior() throws -> PatchMixturePrior {
        var cov = [Float](repeating: 0, count: 16)
        for i in 0..<4 { cov[i * 4 + i] = 1 }
        let gmm = try PatchGMM(side: 2, weights: .ones([1]), means: .zeros([1, 4]), covariances: Tensor(shape: [1, 4, 4], scalars: cov))
        return try PatchMixturePrior(luma: gmm, chroma: gmm, stride: 1)
    }

    static let methods: [SamplerMethod] = [.reddiff(REDDiffOptions()), .dps(DPSOptions()), .pigdm(PiGDMOptions()),
                                           .ddrm(DDRMOptions()), .ddim(DDIMOptions()), .pinv]

    /// At least the sampler's own item-sized buffers (RED-diff: 8, guided: 10, DDRM/DDIM: 6,
    /// pinv: 2), more for more solutions and larger images, and the guided samplers (the VJP)
    /// above RED-diff; the public estimate adds the allocator allowance.
    @Test func estimatesGrowWithSolutionsAndSize() throws {
        let prior = try Self.patchPrior()
        let floats = 3 * 64 * 48, bytes = 4 * floats
        let minimum = [8, 10, 10, 6, 6, 2]
        func estimate(_ shape: [Int], _ method: SamplerMethod, n: Int = 1) throws -> Int {
            try #require(Sampler.samplerBytes(prior: prior, itemShape: shape, measurementCount: shape.reduce(1, *) / 16,
                                              method: method, n: n, metrics: false))
        }
        for (method, least) in zip(Self.methods, minimum) {
            let one = try estimate([3, 64, 48], method), two = try estimate([3, 64, 48], method, n: 2)
            let large = try estimate([3, 128, 96], method)
            #expect(one >= least * bytes, "\(method.name): \(one) bytes")
            #expect(two > one && large > 3 * one, "\(method.name): \(one), \(two), \(large)")
            #expect(Sampler.estimatedPeakBytes(prior: prior, itemShape: [3, 64, 48], measurementCount: floats / 16, method: method)
                    == one + Sampler.allocatorAllowance)
        }
        #expect(try estimate([3, 64, 48], .dps(DPSOptions())) > estimate([3, 64, 48], .reddiff(REDDiffOptions())))
    }

    /// PSNR/SSIM of a problem with a ground truth add their maps; a prior without an estimate
    /// gives none.
    @Test func metricsCountAndUnknownPriorsGiveNil() throws {
        let prior = try Self.patchPrior()
        let truth = Tensor.zeros([1, 64, 64])   // gray: the SSIM maps outweigh the other buffers
        let op = try BlockAverage(shape: truth.shape, factor: 4)
        let bare = InverseProblem(prior: prior, op: op, y: op.apply(truth), sigmaY: 0.01, isImage: true)
        var measured = bare
        measured.groundTruth = truth
        let method = SamplerMethod.reddiff(REDDiffOptions())
        let a = try #require(Sampler.estimatedPeakBytes(bare, method: method))
        let b = try #require(Sampler.estimatedPeakBytes(measured, method: method))
        #expect(b > a)
        let gmm = TestGMMPrior(weights: [1], means: [[0, 0]])
        #expect(Sampler.estimatedPeakBytes(prior: gmm, itemShape: [2], measurementCount: 2, method: method) == nil)
    }
}
