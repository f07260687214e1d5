import Diffusion
import Foundation
import Testing
import TensorCore
@testable import Networks

/// The U-Net wired in as ε̂(x_t, t).
struct UNetPriorTests {
    @Test func epsilonIsTheFirstHalfOfTheOutput() throws {
        let prior = try UNetPrior(contentsOf: ADMTinyFixtureTests.dir + "/model.safetensors")
        let io = try SafeTensors(contentsOf: ADMTinyFixtureTests.dir + "/io.safetensors")
        let x = try io.tensor("x"), out = try io.tensor("out")   // item 0 at t = 10, item 1 at t = 750
        var rng = SeededGenerator(seed: 0)
        for (item, t) in [(0, 10), (1, 750)] {
            let eps = prior.epsilon(x.items(item..<(item + 1)), t: t, using: &rng)
            #expect(eps.shape == [1, 3, 32, 32])
            let ref = Array(out.item(item).scalars[0..<(3 * 32 * 32)])
            let err = zip(eps.scalars, ref).map { abs($0 - $1) }.max() ?? 1
            #expect(err <= 1e-4, "item \(item): \(err)")
        }
    }

    @Test func shapeScheduleAndCapabilities() throws {
        let prior: any DiffusionPrior = try UNetPrior(contentsOf: ADMTinyFixtureTests.dir + "/model.safetensors")
        #expect(prior.dataShape == .image(channels: [3], multiple: 4))
        #expect(prior.dataShape.mismatch([3, 32, 32]) == nil && prior.dataShape.mismatch([3, 64, 48]) == nil)
        #expect(prior.dataShape.mismatch([3, 30, 32]) != nil && prior.dataShape.mismatch([1, 32, 32]) != nil)
        #expect(prior.dataShape.mismatch([3, 30, 34])?.hasSuffix("got 34x30 (try `crop 32x28`)") == true)
        #expect(prior.dataShape.mismatch([1, 32, 32])?.contains("without `gray`") == true)
        #expect(prior.schedule.count == 1000 && abs(prior.schedule.alphaBar(0) - 0.9999) < 1e-12)
        #expect(prior.supportsVJP)   // through the existential
        let flops = try #require(prior.flops(itemShape: [3, 32, 32], items: 2))
        #expect(flops > 1e8 && flops < 1e10)
    }

    @Test func cosineScheduleMatchesGuidedDiffusion() {
        let s = UNetPrior.cosineSchedule(steps: 1000)
        // ᾱ_0 = 1 − β_0 with β_0 = 1 − f(1/1000)/f(0)
        func f(_ t: Double) -> Double { let c = cos((t + 0.008) / 1.008 * Double.pi / 2); return c * c }
        #expect(abs(s.alphaBar(0) - f(0.001) / f(0)) < 1e-12)
        #expect(s.alphaBar(999) < 1e-4 && s.alphaBar(999) > 0)
    }

    @Test func conditionalNetworksNeedALabel() throws {
        // scale-shift norm: without it, 32 channels in 32 groups would normalise the embedding away
        var c = UNetConfig(imageSize: 8, modelChannels: 32, outChannels: 3, numResBlocks: 1, attentionResolutions: [2],
                           channelMult: [1, 1], useScaleShiftNorm: true)
        c.numClasses = 4
        let model = try UNetModel.random(config: c, seed: 1)
        #expect(throws: NetworkError.self) { try UNetPrior(model: model) }
        #expect(throws: NetworkError.self) { try UNetPrior(model: model, classLabel: 4) }
        let prior = try UNetPrior(model: model, classLabel: 2)
        var rng = SeededGenerator(seed: 0)
        var x = SeededGenerator(seed: 5)
        let eps = prior.epsilon(Random.normal([2, 3, 8, 8], using: &x), t: 100, using: &rng)
        #expect(eps.shape == [2, 3, 8, 8] && eps.isFinite)
        // the label changes the output
        let other = try UNetPrior(model: model, classLabel: 3)
        var x2 = SeededGenerator(seed: 5)
        let eps2 = other.epsilon(Random.normal([2, 3, 8, 8], using: &x2), t: 100, using: &rng)
        #expect(zip(eps.scalars, eps2.scalars).map { abs($0 - $1) }.max()! > 1e-3)
    }

    /// Configurations beyond the fixture: conv resampling, plain ResBlocks without scale-shift,
    /// num_heads without num_head_channels, new attention order, non-square inputs.
    @Test(arguments: [(false, false, false), (true, true, true), (false, true, false)])
    func otherConfigurationsRun(resblockUpdown: Bool, scaleShift: Bool, newOrder: Bool) throws {
        let c = UNetConfig(imageSize: 16, modelChannels: 32, outChannels: 3, numResBlocks: 2, attentionResolutions: [1, 2],
                           channelMult: [1, 2], convResample: !newOrder, numHeads: 2, useScaleShiftNorm: scaleShift,
                           resblockUpdown: resblockUpdown, useNewAttentionOrder: newOrder)
        let model = try UNetModel.random(config: c, seed: 2)
        let keys = try UNetModel.parameterShapes(config: c).map(\.key)
        #expect(keys.contains("input_blocks.3.0.op.weight") == (!resblockUpdown && !newOrder))
        #expect(keys.contains("output_blocks.2.2.conv.weight") == (!resblockUpdown && !newOrder))
        var rng = SeededGenerator(seed: 3)
        let x = Random.normal([2, 3, 8, 12], using: &rng)
        try model.validate(x, t: [5, 900], classes: nil)
        let y = model(x, t: [5, 900])
        #expect(y.shape == [2, 3, 8, 12] && y.isFinite)
        #expect(throws: NetworkError.self) { try model.validate(Random.normal([1, 3, 9, 8], using: &rng), t: [1], classes: nil) }
    }
}
