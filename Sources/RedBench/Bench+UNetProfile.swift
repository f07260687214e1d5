import COpenBLAS
import Foundation
import Networks
import TensorCore

/// The shipped U-Net (`Stdlib/priors/unet.safetensors`) layer by layer: for 64², 256² and 512²
/// inputs the time share and GFLOP/s of each layer kind (`LayerProfile`), next to the sgemm
/// peak of the same run; then the whole-network targets as same-run ratios: effective GFLOP/s at
/// 256² batch 1 against the peak, and the per-item time at batch 4 against batch 1.
func benchUNetProfile(quick: Bool) {
    Report.section("unet-profile")
    let stdlib = FileManager.default.currentDirectoryPath + "/Stdlib"
    guard let prior = try? UNetPrior.shipped(stdlib: stdlib) else { print("  missing \(stdlib)/priors/unet.safetensors"); return }
    let model = prior.model
    var rng = SeededGenerator(seed: 5)

    // profiled with the default `.tiled` kernel (per-core blocks)
    let saved = Conv2D.defaultKernel
    Conv2D.defaultKernel = .tiled
    let peak = sgemmPeak(repeats: quick ? 3 : 6, &rng)
    Report.row("sgemm peak (1024^3, this run)", Report.fixed(peak) + " GFLOP/s")

    for side in quick ? [64, 256] : [64, 256, 512] {
        let x = Random.normal([1, 3, side, side], using: &rng)
        blackHole(model(x, t: [500]))   // warm-up
        let reps = side >= 512 ? 1 : side >= 256 ? (quick ? 2 : 3) : 8
        var profile: LayerProfile?
        for _ in 0..<reps {   // the best whole pass is the least disturbed one
            let p = LayerProfile.collect { blackHole(model(x, t: [500])) }
            if profile == nil || p.totalSeconds < profile!.totalSeconds { profile = p }
        }
        printProfile(profile!, title: "shipped U-Net \(side)x\(side) batch 1", flops: model.flops(items: 1, height: side, width: side), peak: peak)
    }

    // the targets, interleaved with sgemm so that the ratios see one machine load
    let n = 1024
    let a = Random.normal([n, n], using: &rng), b = Random.normal([n, n], using: &rng)
    var c = [Float](repeating: 0, count: n * n)
    let x1 = Random.normal([1, 3, 256, 256], using: &rng), x4 = Random.normal([4, 3, 256, 256], using: &rng)
    let blocked = { (body: () -> Void) in Conv2D.defaultKernel = .blocked; body(); Conv2D.defaultKernel = .tiled }
    let cores = Parallel.threads
    let oneCore = { (body: () -> Void) in Parallel.threads = 1; body(); Parallel.threads = cores }
    let t = Timing.bestInterleaved(of: quick ? 2 : 4, [
        { gemm(a, b, &c, n) },
        { blackHole(model(x1, t: [500])) },
        { blackHole(model(x4, t: [Float](repeating: 500, count: 4))) },
        { blocked { blackHole(model(x1, t: [500])) } },
        { withThreadedOpenBLAS { blackHole(model(x1, t: [500])) } },
        { oneCore { blackHole(model(x1, t: [500])) } },
    ])
    Conv2D.defaultKernel = saved
    let g = 2 * pow(Double(n), 3) / t[0] / 1e9, f = model.flops(items: 1, height: 256, width: 256)
    let eff = f / t[1] / 1e9
    Report.row("256x256 batch 1 (interleaved)", Report.ms(t[1]) + "/eval", Report.fixed(eff) + " GFLOP/s",
               Report.fixed(100 * eff / g) + " % of sgemm " + Report.fixed(g))
    Report.row("256x256 batch 4 per item", Report.ms(t[2] / 4), Report.fixed(t[2] / 4 / t[1], 2) + "x batch 1")
    // Whole items on separate cores (no work shared within a layer) cannot beat one core's time
    // per item divided by the cores: the bound any batching by items has against batch 1.
    Report.row("256x256 batch 1 on one core", Report.ms(t[5]) + "/eval",
               Report.fixed(t[5] / t[1], 2) + "x on \(cores) cores; one item per core: >= " + Report.fixed(t[5] / Double(cores) / t[1], 2) + "x batch 1 per item")
    Report.row("256x256 batch 1, blocked convolutions", Report.ms(t[3]) + "/eval", Report.fixed(t[3] / t[1], 2) + "x the tiled kernel")
    Report.row("256x256 batch 1, OpenBLAS threads, mmap", Report.ms(t[4]) + "/eval", Report.fixed(t[4] / t[1], 2) + "x the default")

    for side in [32, 64, 128] {
        let y1 = Random.normal([1, 3, side, side], using: &rng), y4 = Random.normal([4, 3, side, side], using: &rng)
        let b = Timing.bestInterleaved(of: quick ? 3 : 6, [
            { blackHole(model(y1, t: [500])) },
            { blackHole(model(y4, t: [Float](repeating: 500, count: 4))) },
        ])
        Report.row("\(side)x\(side) batch 4 per item", Report.ms(b[1] / 4), Report.fixed(b[1] / 4 / b[0], 2) + "x batch 1 (" + Report.ms(b[0]) + ")")
    }

    benchElementwiseKernels(quick: quick, &rng)
    benchTrainerSteps(quick: quick)
}

/// Runs `body` the way convolutions ran with OpenBLAS's own threading: `.blocked` im2col, each
/// GEMM one OpenBLAS call on all cores, and glibc's default allocator (a fresh mapping for every
/// large block); `red`'s defaults are put back afterwards.
func withThreadedOpenBLAS(_ body: () -> Void) {
    let kernel = Conv2D.defaultKernel
    Conv2D.defaultKernel = .blocked
    BLAS.splitsAcrossCores = false
    openblas_set_num_threads(Int32(Parallel.threads))
    AllocatorPolicy.systemDefaults()
    body()
    AllocatorPolicy.reuseFreedBlocks()
    openblas_set_num_threads(1)
    BLAS.splitsAcrossCores = true
    Conv2D.defaultKernel = kernel
}

/// GroupNorm + FiLM + SiLU and the attention softmax at the shipped network's 256² sizes: the
/// vectorised kernels against the scalar double-accumulating loops they replaced.
func benchElementwiseKernels(quick: Bool, _ rng: inout SeededGenerator) {
    let c = 32, hw = 256 * 256
    let x = Random.normal([1, c, 256, 256], using: &rng), film = Random.normal([1, 2 * c], using: &rng) * 0.1
    let norm = GroupNorm(groups: 32, weight: Random.normal([c], using: &rng), bias: Random.normal([c], using: &rng))
    let scores = Random.normal([1024 * 1024], using: &rng) * 3
    var work = scores.scalars
    let t = Timing.bestInterleaved(of: quick ? 3 : 6, [
        { blackHole(norm(x, scaleShift: film, silu: true)) },
        { blackHole(scalarGroupNormFiLMSiLU(x, norm, film, channels: c, spatial: hw)) },
        { work = scores.scalars; work.withUnsafeMutableBufferPointer { QKVAttention.softmaxRows($0.baseAddress!, rows: 1024, cols: 1024) } },
        { work = scores.scalars; work.withUnsafeMutableBufferPointer { scalarSoftmaxRows($0.baseAddress!, rows: 1024, cols: 1024) } },
        { work = scores.scalars },
    ])
    Report.row("groupnorm+film+silu 32x256x256", Report.ms(t[0]), "scalar " + Report.ms(t[1]), Report.fixed(t[1] / t[0], 2) + "x")
    Report.row("softmax 1024 rows of 1024", Report.ms(t[2] - t[4]), "scalar " + Report.ms(t[3] - t[4]),
               Report.fixed((t[3] - t[4]) / (t[2] - t[4]), 2) + "x")
}

/// The loops GroupNorm ran before `VectorMath` (double accumulation, scalar `exp`), for comparison.
func scalarGroupNormFiLMSiLU(_ x: Tensor, _ norm: GroupNorm, _ film: Tensor, channels c: Int, spatial: Int) -> Tensor {
    let cpg = c / norm.groups, groupSize = cpg * spatial
    var out = [Float](repeating: 0, count: x.count)
    out.withUnsafeMutableBufferPointer { o in
        x.withUnsafeBufferPointer { xp in
            let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
            Parallel.forEach(norm.groups) { g in
                let src = px.value + g * groupSize, dst = po.value + g * groupSize
                var sum = 0.0
                for i in 0..<groupSize { sum += Double(src[i]) }
                let mean = sum / Double(groupSize)
                var ss = 0.0
                for i in 0..<groupSize { let d = Double(src[i]) - mean; ss += d * d }
                let invStd = 1 / (ss / Double(groupSize) + Double(norm.epsilon)).squareRoot()
                for cc in 0..<cpg {
                    let ch = g * cpg + cc
                    let scale = 1 + Double(film.scalars[ch]), shift = Double(film.scalars[c + ch])
                    let a = invStd * Double(norm.weight.scalars[ch]) * scale
                    let b = (Double(norm.bias.scalars[ch]) - mean * invStd * Double(norm.weight.scalars[ch])) * scale + shift
                    let fa = Float(a), fb = Float(b), s = src + cc * spatial, d = dst + cc * spatial
                    for i in 0..<spatial { let y = fa * s[i] + fb; d[i] = y / (1 + Foundation.exp(-y)) }
                }
            }
        }
    }
    return Tensor(shape: x.shape, scalars: out)
}

/// The softmax loop attention ran before `VectorMath` (scalar `exp`), for comparison.
func scalarSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    let pp = UncheckedSendable(p)
    Parallel.chunks(rows, minChunk: Swift.max(1, 8192 / Swift.max(cols, 1))) { r in
        for i in r {
            let row = pp.value + i * cols
            var m = -Float.infinity
            for j in 0..<cols { m = Swift.max(m, row[j]) }
            var s: Float = 0
            for j in 0..<cols { let e = Foundation.exp(row[j] - m); row[j] = e; s += e }
            let inv = 1 / s
            for j in 0..<cols { row[j] *= inv }
        }
    }
}

/// Steps per second of `UNetTrainer` (forward and backward, Adam) with the shipped layout at
/// crops of 64, batch 8, with the tiled and the blocked convolution kernels interleaved.
func benchTrainerSteps(quick: Bool) {
    var rng = SeededGenerator(seed: 9)
    let config = UNetConfig(imageSize: 64, inChannels: 3, modelChannels: 32, outChannels: 3, numResBlocks: 2,
                            attentionResolutions: [8], channelMult: [1, 2, 2, 2], numHeads: 1, numHeadChannels: 32,
                            useScaleShiftNorm: true, resblockUpdown: true)
    let images = (0..<4).map { _ in Random.uniform([3, 96, 96], using: &rng) }
    do {
        let trainer = try UNetTrainer(options: TrainingOptions(config: config, cropSize: 64, batchSize: 8, steps: 1000), images: images)
        let saved = Conv2D.defaultKernel
        defer { Conv2D.defaultKernel = saved }
        let t = Timing.bestInterleaved(of: quick ? 2 : 4, [
            { Conv2D.defaultKernel = .tiled; _ = try? trainer.trainStep() },
            { Conv2D.defaultKernel = .blocked; _ = try? trainer.trainStep() },
            { withThreadedOpenBLAS { _ = try? trainer.trainStep() } },
        ])
        Report.row("trainer, shipped layout, 64 px batch 8", Report.fixed(t[0], 2) + " s/step tiled",
                   Report.fixed(t[1], 2) + " blocked", Report.fixed(t[2], 2) + " OpenBLAS threads, mmap",
                   Report.fixed(1 / t[0], 3) + " against " + Report.fixed(1 / t[2], 3) + " steps/s")
    } catch { print("  trainer: \(error)") }
}

/// The best sgemm rate of square 512 and 1024 products, each both through `BLAS.sgemm` (one
/// single-core GEMM per core) and through OpenBLAS's own threads on all cores.
func sgemmPeak(repeats: Int, _ rng: inout SeededGenerator) -> Double {
    let sizes = [512, 1024]
    let mats = sizes.map { n in (Random.normal([n, n], using: &rng), Random.normal([n, n], using: &rng)) }
    var c = [Float](repeating: 0, count: 1024 * 1024)
    let bodies = sizes.indices.flatMap { i in
        [{ gemm(mats[i].0, mats[i].1, &c, sizes[i]) }, { gemm(mats[i].0, mats[i].1, &c, sizes[i], openBLASThreads: true) }]
    }
    let t = Timing.bestInterleaved(of: repeats, bodies)
    return t.indices.map { 2 * pow(Double(sizes[$0 / 2]), 3) / t[$0] / 1e9 }.max() ?? 0
}

/// c = a·b for square `n × n` tensors through `BLAS.sgemm`, or with `openBLASThreads` through
/// `cblas_sgemm` on OpenBLAS's own pool of `Parallel.threads` threads (set for this call only).
func gemm(_ a: Tensor, _ b: Tensor, _ c: inout [Float], _ n: Int, openBLASThreads: Bool = false) {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
        if openBLASThreads {
            openblas_set_num_threads(Int32(Parallel.threads))
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
            openblas_set_num_threads(1)
        } else {
            BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
        }
    } } }
}

/// One profile as a table: kind, share of the pass, milliseconds, calls, GFLOP/s and % of `peak`.
func printProfile(_ p: LayerProfile, title: String, flops: Double, peak: Double) {
    let total = p.totalSeconds
    print("  \(title): \(Report.ms(total)), \(Report.fixed(flops / 1e9, 2)) GFLOP, "
          + "\(Report.fixed(flops / total / 1e9)) GFLOP/s = \(Report.fixed(100 * flops / total / 1e9 / peak)) % of sgemm peak")
    print("    " + pad("layer kind", 34) + pad("share", 8) + pad("ms", 10) + pad("calls", 7) + pad("GFLOP/s", 9) + "% peak")
    var rows = p.entries.sorted { $0.value.seconds > $1.value.seconds }.map { ($0.key, $0.value) }
    let covered = p.entries.values.reduce(0) { $0 + $1.seconds }
    rows.append(("(untracked)", LayerProfile.Entry(seconds: Swift.max(0, total - covered), flops: 0, calls: 0)))
    for (kind, e) in rows {
        let gf = e.flops > 0 ? e.flops / e.seconds / 1e9 : 0
        print("    " + pad(kind, 34) + pad(Report.fixed(100 * e.seconds / total) + " %", 8) + pad(Report.fixed(e.seconds * 1e3, 2), 10)
              + pad(e.calls > 0 ? "\(e.calls)" : "", 7) + pad(gf > 0 ? Report.fixed(gf) : "", 9) + (gf > 0 ? Report.fixed(100 * gf / peak) : ""))
    }
}

private func pad(_ s: String, _ n: Int) -> String { s.count < n ? s + String(repeating: " ", count: n - s.count) : s + " " }

/// Convolution shapes of the shipped network: the `.blocked` kernel against `.tiled`, interleaved.
func benchConvKernels(quick: Bool) {
    Report.section("conv kernels (GFLOP/s)")
    var rng = SeededGenerator(seed: 6)
    let shapes = [(32, 32, 256), (64, 32, 256), (64, 64, 256), (64, 64, 128), (128, 64, 128), (64, 64, 64), (32, 3, 256), (3, 32, 256)]
    for (cin, cout, side) in shapes {
        let conv = Conv2D(weight: Random.normal([cout, cin, 3, 3], using: &rng) * 0.05, bias: Random.normal([cout], using: &rng), stride: 1, padding: 1)
        let x = Random.normal([1, cin, side, side], using: &rng)
        let t = Timing.bestInterleaved(of: quick ? 3 : 5, [{ blackHole(conv(x, kernel: .blocked)) }, { blackHole(conv(x, kernel: .tiled)) }])
        let f = conv.flops(height: side, width: side)
        Report.row("conv3x3 \(cin)->\(cout) @\(side)", "blocked " + Report.fixed(f / t[0] / 1e9), "tiled " + Report.fixed(f / t[1] / 1e9),
                   Report.fixed(t[0] / t[1], 2) + "x")
    }
}
