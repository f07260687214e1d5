import Foundation
import Degradations
import TensorCore

/// Times the degradation operators on a 256×256 RGB image: the mask, `sr4` block averaging and
/// a Gaussian blur (σ = 3, 13 taps) with their adjoints and pseudo-inverses (best of N calls),
/// the time of 100 calls of that mix, and same-run ratios of the separable blur against a
/// direct 13×13 convolution and an element-wise add; then the kernel blur's FFT and direct
/// paths (`benchKernelBlur`).
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
        let direct = try Convolution(shape: shape, kernel: Tensor(shape: [13, 13], scalars: g.flatMap { a in g.map { a * $0 } }),
                                     method: .direct)
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
    benchKernelBlur(quick: quick)
}

/// A dense `n × n` Gaussian-ish disk kernel: `exp(−r²/2σ²)` with σ = n/3, every tap nonzero
/// (the corners keep about 10 % of the centre), normalised.
func denseDiskKernel(_ n: Int) -> Tensor {
    let c = Double(n - 1) / 2, s = Double(n) / 3
    let k = (0..<(n * n)).map { p -> Double in
        let dy = Double(p / n) - c, dx = Double(p % n) - c
        return exp(-(dx * dx + dy * dy) / (2 * s * s))
    }
    let total = k.reduce(0, +)
    return Tensor(shape: [n, n], scalars: k.map { Float($0 / total) })
}

/// The kernel blur (`Blur.kernel`, a `Convolution`): FFT against direct path, forward and
/// adjoint, interleaved in one run, for a dense 31×31 kernel on a 1024×1024 RGB image; then the
/// crossover on 256×256 and 1024×1024 RGB for dense n×n kernels, with the path `.auto` picks.
func benchKernelBlur(quick: Bool) {
    do {
        let shape = [3, 1024, 1024], n = 31
        var rng = SeededGenerator(seed: 1)
        let x = Random.normal(shape, using: &rng)
        let k = denseDiskKernel(n)
        var fft: Convolution?
        let tBuild = Timing.time { fft = try? Blur.kernel(shape: shape, kernel: k, name: "blur kernel disk", method: .fft) }
        guard let fft else { print("  could not build the kernel blur"); return }
        let direct = try Blur.kernel(shape: shape, kernel: k, name: "blur kernel disk", method: .direct)
        let auto = try Blur.kernel(shape: shape, kernel: k, name: "blur kernel disk")
        Report.row("kernel \(n)x\(n) on 3x1024x1024: build fft", Report.ms(tBuild), "(auto picks \(auto.method))")
        let t = Timing.bestInterleaved(of: quick ? 1 : 3, [
            { blackHole(fft.apply(x)) }, { blackHole(direct.apply(x)) },
            { blackHole(fft.adjoint(x)) }, { blackHole(direct.adjoint(x)) },
        ])
        Report.row("kernel \(n)x\(n) apply: fft vs direct", Report.ms(t[0]), Report.ms(t[1]), "(\(Report.fixed(t[1] / t[0]))x faster)")
        Report.row("kernel \(n)x\(n) adjoint: fft vs direct", Report.ms(t[2]), Report.ms(t[3]), "(\(Report.fixed(t[3] / t[2]))x faster)")
        let crossover: [(side: Int, kernels: [Int], reps: Int)] = quick
            ? [(256, [3, 15], 3)] : [(256, [3, 5, 7, 9, 11, 13, 15, 17, 21], 15), (1024, [11, 15, 17, 21], 3)]
        for (side, kernels, reps) in crossover {
            let s = [3, side, side]
            let xs = side == 1024 ? x : Random.normal(s, using: &rng)
            for m in kernels {
                let km = denseDiskKernel(m)
                let f = try Convolution(shape: s, kernel: km, method: .fft)
                let d = try Convolution(shape: s, kernel: km, method: .direct)
                let a = try Convolution(shape: s, kernel: km)
                let tm = Timing.bestInterleaved(of: reps, [{ blackHole(f.apply(xs)) }, { blackHole(d.apply(xs)) }])
                Report.row("kernel \(m)x\(m) on 3x\(side)x\(side) fft/direct", Report.ms(tm[0]), Report.ms(tm[1]),
                           "(auto: \(a.method), faster: \(tm[0] < tm[1] ? "fft" : "direct"))")
            }
        }
    } catch {
        print("  error: \(error)")
    }
}
