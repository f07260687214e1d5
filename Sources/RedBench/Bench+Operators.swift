import Degradations
import TensorCore

/// Times the degradation operators on a 256×256 RGB image: the mask, `sr4` block averaging and
/// a Gaussian blur (σ = 3, 13 taps) with their adjoints and pseudo-inverses (best of N calls),
/// the time of 100 calls of that mix, and same-run ratios of the separable blur against a
/// direct 13×13 convolution and an element-wise add.
func benchOperators(quick: Bool) {
    Report.section("operators")
    let shape = [3, 256, 256]
    let reps = quick ? 5 : 30
    var rng = SeededGenerator(seed: 0)
    let x = Random.normal(shape, using: &rng)
    do {
        var mask: Mask?, sr4: BlockAverage?, blur: SeparableOperator?
        let tMask = Timing.time { mask = try? Mask.box(shape: shape) }
        let tSR = Timing.time { sr4 = try? BlockAverage(shape: shape, factor: 4) }
        let tBlur = Timing.time { blur = try? Blur.gaussian(shape: shape, sigma: 3, size: 13) }
        guard let mask, let sr4, let blur else { print("  could not build the operators"); return }
        Report.row("build mask / sr4 / blur (with SVDs)", Report.ms(tMask), Report.ms(tSR), Report.ms(tBlur))
        let g = Blur.gaussianKernel(sigma: 3, size: 13)
        let direct = try Convolution(shape: shape, kernel: Tensor(shape: [13, 13], scalars: g.flatMap { a in g.map { a * $0 } }))
        let y4 = sr4.apply(x)
        let calls: [(String, () -> Void)] = [
            ("mask apply", { blackHole(mask.apply(x)) }),
            ("mask adjoint", { blackHole(mask.adjoint(x)) }),
            ("mask pinv", { blackHole(mask.pseudoInverse(x)) }),
            ("sr4 apply", { blackHole(sr4.apply(x)) }),
            ("sr4 adjoint", { blackHole(sr4.adjoint(y4)) }),
            ("sr4 pinv (replicate)", { blackHole(sr4.pseudoInverse(y4)) }),
            ("blur apply (per-axis passes)", { blackHole(blur.apply(x)) }),
            ("blur adjoint", { blackHole(blur.adjoint(x)) }),
            ("blur pinv (exact SVD, sgemm)", { blackHole(blur.pseudoInverse(x)) }),
        ]
        var total = 0.0
        for (label, body) in calls {
            let t = Timing.best(of: reps, body)
            total += t
            Report.row(label, Report.ms(t))
        }
        Report.row("100 calls of this mix", Report.ms(total / Double(calls.count) * 100))
        let t = Timing.bestInterleaved(of: reps, [{ blackHole(blur.apply(x)) }, { blackHole(direct.apply(x)) }, { blackHole(x + x) }])
        Report.row("blur: separable vs direct 13x13", Report.ms(t[0]), Report.ms(t[1]), "(\(Report.fixed(t[1] / t[0]))x faster)")
        Report.row("blur apply / element-wise x + x", Report.fixed(t[0] / t[2]) + "x")
    } catch {
        print("  error: \(error)")
    }
}
