import Testing
import TensorCore
@testable import Samplers

@Suite struct SlicedWassersteinTests {
    @Test(arguments: [
        ([0.0], [1.0], 1.0),
        ([0.0, 1.0], [0.0], 0.5),
        ([0.0, 2.0], [1.0, 1.0, 1.0], 1.0),
        ([3.0, 1.0, 2.0], [1.0, 2.0, 3.0], 0.0),
        ([0.0, 0.0, 4.0], [0.0, 4.0], 4.0 / 6.0),
    ])
    func exactOneDimensional(_ a: [Double], _ b: [Double], _ want: Double) {
        let got = SlicedWasserstein.wasserstein1D(a.map(Float.init), b.map(Float.init))
        #expect(abs(got - want) < 1e-6)
        #expect(abs(SlicedWasserstein.wasserstein1D(b.map(Float.init), a.map(Float.init)) - want) < 1e-6)
    }

    @Test func shiftedSetsAndMeanError() throws {
        var rng = SeededGenerator(seed: 11)
        let a = Random.normal([500, 4], using: &rng)
        var shift = Tensor.zeros([4]); shift.scalars[0] = 3
        let b = Tensor.stacked((0..<500).map { a.item($0) + shift })
        // For a pure translation, W1 along θ is |θ·shift|; SW1 is its mean over θ.
        let dirs = SlicedWasserstein.randomDirections(200, dim: 4, using: &rng)
        let sw = try SlicedWasserstein.distance(a, b, directions: dirs)
        let want = (0..<200).reduce(0.0) { $0 + Double(abs(dirs.item($1).scalars[0]) * 3) } / 200
        #expect(abs(sw - want) < 1e-4)
        #expect(abs(try SlicedWasserstein.meanError(a, b) - 3) < 1e-4)
        #expect(try SlicedWasserstein.distance(a, a, directions: dirs) == 0)
    }

    @Test func rejectsMismatchedSets() {
        var rng = SeededGenerator(seed: 1)
        #expect(throws: SamplerError.self) { try SlicedWasserstein.distance(.zeros([3, 2]), .zeros([3, 5]), using: &rng) }
        #expect(throws: SamplerError.self) { try SlicedWasserstein.distance(.zeros([0, 2]), .zeros([3, 2]), using: &rng) }
        #expect(throws: SamplerError.self) { try SlicedWasserstein.distance(.zeros([3, 2]), .zeros([3, 2]), directions: 0, using: &rng) }
    }
}
