import Degradations
import TensorCore

/// Times the degradation operators on a 256×256 RGB image: 100 applications each of the mask,
/// `sr4` block averaging and a Gaussian blur (σ = 3, 13 taps), their adjoints and
/// pseudo-inverses, with ratios against a direct 2-D convolution and an element-wise add
/// measured in the same run.
func benchOperators(quick: Bool) {
    let shape = [3, 256, 256]
    let reps = quick ? 10 : 100
    var rng = SeededGenerator(seed: 0)
    let x = Random.normal(shape, using: &rng)
    func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let d = clock.measure(body)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
    func time(_ label: String, _ reps: Int, _ body: () -> Void) -> Double {
        body()   // warm-up (plans, page faults)
        let t = seconds { for _ in 0..<reps { body() } } / Double(reps)
        print("  \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.3f", t * 1e3)) ms")
        return t
    }
    print("operators on a 3x256x256 image (\(reps) repetitions, mean per call):")
    var sink: Float = 0
    let add = time("baseline: x + x", reps) { sink += (x + x).scalars[0] }
    do {
        var built = 0.0
        var mask: Mask?, sr4: BlockAverage?, blur: SeparableOperator?
        built = seconds { mask = try? Mask.box(shape: shape) }
        print("  build mask box                                 \(String(format: "%8.3f", built * 1e3)) ms")
        built = seconds { sr4 = try? BlockAverage(shape: shape, factor: 4) }
        print("  build downsample 4 (with SVD)                  \(String(format: "%8.3f", built * 1e3)) ms")
        built = seconds { blur = try? Blur.gaussian(shape: shape, sigma: 3, size: 13) }
        print("  build blur gaussian sigma=3 size=13 (with SVD) \(String(format: "%8.3f", built * 1e3)) ms")
        guard let mask, let sr4, let blur else { print("  could not build the operators"); return }
        let direct = try Convolution(shape: shape, kernel: {
            let g = Blur.gaussianKernel(sigma: 3, size: 13)
            return Tensor(shape: [13, 13], scalars: g.flatMap { a in g.map { a * $0 } })
        }(), name: "direct 13x13")
        let y4 = sr4.apply(x)
        var total = 0.0
        total += time("mask apply", reps) { sink += mask.apply(x).scalars[0] }
        total += time("mask adjoint", reps) { sink += mask.adjoint(x).scalars[0] }
        total += time("downsample 4 apply", reps) { sink += sr4.apply(x).scalars[0] }
        total += time("downsample 4 adjoint", reps) { sink += sr4.adjoint(y4).scalars[0] }
        total += time("downsample 4 pinv (replicate)", reps) { sink += sr4.pseudoInverse(y4).scalars[0] }
        let blurApply = time("blur gaussian apply (per-axis passes)", reps) { sink += blur.apply(x).scalars[0] }
        total += blurApply
        total += time("blur gaussian adjoint", reps) { sink += blur.adjoint(x).scalars[0] }
        let pinvReps = Swift.max(1, reps / 10)
        let blurPinv = time("blur gaussian pinv (SVD, sgemm)", pinvReps) { sink += blur.pseudoInverse(x).scalars[0] }
        let directT = time("direct 13x13 convolution (same blur)", pinvReps) { sink += direct.apply(x).scalars[0] }
        print("  100 operator calls of the mix above ≈ \(String(format: "%.1f", total / 7 * 100 * 1e3)) ms")
        print("  ratio direct 2-D / separable blur: \(String(format: "%.1f", directT / blurApply))x;"
              + " blur apply / x+x: \(String(format: "%.1f", blurApply / add))x; blur pinv / apply: \(String(format: "%.1f", blurPinv / blurApply))x")
    } catch {
        print("  error: \(error)")
    }
    if sink.isNaN { print("") }
}
