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
    let t = Timing.bestInterleaved(of: quick ? 2 : 4, [
        { gemm(a, b, &c, n) },
        { blackHole(model(x1, t: [500])) },
        { blackHole(model(x4, t: [Float](repeating: 500, count: 4))) },
    ])
    let g = 2 * pow(Double(n), 3) / t[0] / 1e9, f = model.flops(items: 1, height: 256, width: 256)
    let eff = f / t[1] / 1e9
    Report.row("256x256 batch 1 (interleaved)", Report.ms(t[1]) + "/eval", Report.fixed(eff) + " GFLOP/s",
               Report.fixed(100 * eff / g) + " % of sgemm " + Report.fixed(g))
    Report.row("256x256 batch 4 per item", Report.ms(t[2] / 4), Report.fixed(t[2] / 4 / t[1], 2) + "x batch 1")
}

/// The best sgemm rate of square 512 and 1024 products.
func sgemmPeak(repeats: Int, _ rng: inout SeededGenerator) -> Double {
    let sizes = [512, 1024]
    let mats = sizes.map { n in (Random.normal([n, n], using: &rng), Random.normal([n, n], using: &rng)) }
    var c = [Float](repeating: 0, count: 1024 * 1024)
    let t = Timing.bestInterleaved(of: repeats, sizes.indices.map { i in { gemm(mats[i].0, mats[i].1, &c, sizes[i]) } })
    return zip(sizes, t).map { 2 * pow(Double($0), 3) / $1 / 1e9 }.max() ?? 0
}

/// c = a·b for square `n × n` tensors.
func gemm(_ a: Tensor, _ b: Tensor, _ c: inout [Float], _ n: Int) {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
        BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
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
