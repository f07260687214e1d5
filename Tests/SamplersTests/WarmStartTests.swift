import Testing
import TensorCore
import Degradations
import Diffusion
import Samplers

@Suite("RED-diff warm start and time grid")
struct WarmStartTests {
    static func image(_ c: Int, _ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Random.normal([c, h, w], using: &rng) * 0.3
    }

    /// `Baselines.warmStart` picks the classical estimate the operator admits.
    @Test func warmStartPerOperator() throws {
        let x = Self.image(3, 16, 16, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let m = Tensor(shape: [1, 16, 16], scalars: (0..<256).map { _ in rng.next() % 10 < 3 ? 1 : 0 })
        let mask = try Mask(shape: [3, 16, 16], observed: m)
        let y = mask.apply(x)
        #expect(Baselines.warmStart(y, op: mask).scalars == Baselines.biharmonicFill(y, mask: mask.mask).scalars)

        let down = try BlockAverage(shape: [3, 16, 16], factor: 4)
        let yd = down.apply(x)
        #expect(Baselines.downsampleFactor(down) == 4)
        #expect(Baselines.warmStart(yd, op: down).scalars == Baselines.bicubicUpsample(yd, factor: 4).scalars)

        let blur = try Blur.gaussian(shape: [3, 16, 16], sigma: 1.5, size: 7)
        let yb = blur.apply(x)
        #expect(Baselines.downsampleFactor(blur) == nil)
        #expect(Baselines.warmStart(yb, op: blur).scalars == blur.stablePseudoInverse(yb).scalars)
    }

    /// The grid below tMax: evenly spaced from 0, `steps` times, all below tMax; tMax = T is the paper's grid.
    @Test(arguments: [(10, 100), (7, 300), (1000, 1000), (1, 1)])
    func gridBelowTMax(steps: Int, tMax: Int) {
        let schedule = NoiseSchedule.linear()
        let grid = schedule.timesteps(steps, below: tMax)
        #expect(grid.count == steps && grid.first == 0 && grid.last! < tMax)
        #expect(zip(grid, grid.dropFirst()).allSatisfy { $1 - $0 == tMax / steps })
        #expect(schedule.timesteps(steps, below: schedule.count) == schedule.timesteps(steps))
    }

    /// tmax outside 1…T, or fewer times below it than steps, is a clear error.
    @Test(arguments: [(0, 10), (1001, 10), (50, 100)])
    func badTMaxIsRejected(tMax: Int, steps: Int) throws {
        var o = REDDiffOptions(steps: steps)
        o.tMax = tMax
        #expect(throws: SamplerError.self) { try o.validate(maxSteps: 1000) }
    }

    /// On a noise-free inpainting problem the warm start begins at the biharmonic fill: a solve
    /// with a tiny step stays next to it, while A⁺y (hidden pixels 0) stays far away.
    @Test func classicalInitStartsFromTheFill() throws {
        let prior = try MemoryEstimateTests.patchPrior()
        let x = Tensor(shape: [1, 4, 4], scalars: (0..<16).map { Float($0 % 4) * 0.2 - 0.3 })
        let m = Tensor(shape: [1, 4, 4], scalars: [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1])
        let mask = try Mask(shape: [1, 4, 4], observed: m)
        let y = mask.apply(x)
        let problem = InverseProblem(prior: prior, op: mask, y: y, sigmaY: 0, isImage: true)
        let fill = Baselines.biharmonicFill(y, mask: mask.mask)
        for (initialization, near) in [(REDDiffOptions.Initialization.classical, true), (.pinv, false)] {
            var o = REDDiffOptions(steps: 5, lr: 1e-4, initialization: initialization)
            o.tMax = 50
            var rng = SeededGenerator(seed: 3)
            let out = try Sampler.solve(problem, method: .reddiff(o), using: &rng)
            let distance = (out.samples.reshaped([1, 4, 4]) - fill).maxAbs()
            #expect(near ? distance < 1e-2 : distance > 0.05, "\(initialization): \(distance)")
        }
    }
}
