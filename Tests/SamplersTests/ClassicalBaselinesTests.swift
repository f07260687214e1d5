import Testing
import TensorCore
import Degradations
import Samplers

@Suite("Classical baselines")
struct ClassicalBaselinesTests {
    /// A linear ramp is biharmonic: hidden pixels two or more pixels from the border come back exactly.
    @Test func biharmonicRestoresARamp() throws {
        let h = 24, w = 20
        var values = [Float](), mask = [Float]()
        var rng = SeededGenerator(seed: 4)
        for ch in 0..<2 { for i in 0..<h { for j in 0..<w {
            values.append(Float(ch) * 0.3 + 0.02 * Float(i) - 0.03 * Float(j))
            let interior = i >= 2 && i < h - 2 && j >= 2 && j < w - 2
            mask.append(interior && rng.next() % 10 < 7 ? 0 : 1)
        }}}
        let truth = Tensor(shape: [2, h, w], scalars: values), m = Tensor(shape: [2, h, w], scalars: mask)
        let filled = Baselines.biharmonicFill(truth * m, mask: m)
        #expect((filled - truth).maxAbs() < 1e-3)
        // the harmonic fill is exact on a ramp too; on a quadratic only the biharmonic one is
        let quad = Tensor(shape: [2, h, w], scalars: (0..<(2 * h * w)).map { k in
            let i = Float((k / w) % h), j = Float(k % w); return 0.002 * (i - 10) * (i - 10) - 0.001 * j * j })
        let bi = (Baselines.biharmonicFill(quad * m, mask: m) - quad).squaredNorm()
        let harm = (Baselines.harmonicFill(quad * m, mask: m) - quad).squaredNorm()
        #expect(bi < 0.05 * harm)
    }

    /// TV's estimate is at least as good as the truth for its own objective ½‖Ax − y‖² + μ TV(x).
    @Test(arguments: [0.01, 0.05])
    func tvMinimisesItsObjective(mu: Double) throws {
        var rng = SeededGenerator(seed: 9)
        let side = 32
        let truth = Tensor(shape: [1, side, side], scalars: (0..<(side * side)).map { k in (k / side < 16) != (k % side < 12) ? 0.6 : -0.4 })
        let op = try Blur.gaussian(shape: [1, side, side], sigma: 1.5, size: 7)
        let y = op.apply(truth) + Random.normal(op.outputShape, using: &rng) * 0.05
        let x = Baselines.totalVariation(y, op: op, mu: mu, iterations: 1500)
        func objective(_ v: Tensor) -> Double { 0.5 * (op.apply(v) - y).squaredNorm() + mu * tv(v) }
        #expect(objective(x) <= objective(truth) + 1e-3)
        #expect(objective(x) <= objective(op.adjoint(y)))
    }

    /// With μ → 0 and A = I, TV returns y.
    @Test func tvWithoutRegularisationIsTheData() throws {
        var rng = SeededGenerator(seed: 1)
        let y = Random.normal([3, 12, 10], using: &rng)
        let x = Baselines.totalVariation(y, op: Identity(shape: [3, 12, 10]), mu: 1e-7, iterations: 300)
        #expect((x - y).maxAbs() < 1e-3)
    }

    /// On a piecewise-constant image, the oracle TV beats the oracle Tikhonov.
    @Test func tvBeatsTikhonovOnEdges() throws {
        var rng = SeededGenerator(seed: 2)
        let side = 32
        let truth = Tensor(shape: [1, side, side], scalars: (0..<(side * side)).map { k in (k / side - 16) * (k / side - 16) + (k % side - 16) * (k % side - 16) < 80 ? 0.7 : -0.5 })
        let op = try Blur.gaussian(shape: [1, side, side], sigma: 1.5, size: 7)
        let y = op.apply(truth) + Random.normal(op.outputShape, using: &rng) * 0.05
        let tv = Baselines.tunedTotalVariation(y, op: op, truth: truth).x
        let tik = Baselines.tunedTikhonov(y, op: op, truth: truth).x
        #expect((tv - truth).squaredNorm() < 0.8 * (tik - truth).squaredNorm())
    }

    /// Isotropic TV, Σ ‖∇x‖₂ with forward differences (zero beyond the far edges).
    func tv(_ x: Tensor) -> Double {
        let (c, h, w) = x.imageGeometry
        var s = 0.0
        x.withUnsafeBufferPointer { p in
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                let k = (ch * h + i) * w + j
                let a = i + 1 < h ? Double(p[k + w] - p[k]) : 0, b = j + 1 < w ? Double(p[k + 1] - p[k]) : 0
                s += (a * a + b * b).squareRoot()
            }}}
        }
        return s
    }
}
