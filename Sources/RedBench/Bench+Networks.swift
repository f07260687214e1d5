import Foundation
import Networks
import TensorCore

/// Neural-network benchmarks: convolution throughput against the sgemm peak of the same run, the
/// tiny ADM U-Net (forward and VJP) and, in full mode, the ImageNet-256 ADM U-Net with random weights.
func benchNetworks(quick: Bool) {
    Report.section("networks")
    var rng = SeededGenerator(seed: 2)

    // sgemm peak and the convolutions, interleaved so that all see the same machine load; the
    // peak is the best sgemm rate of the run (square 512, 1024 and the conv's own GEMM shape).
    let squares = [512, 1024].map { n in (n, Random.normal([n, n], using: &rng), Random.normal([n, n], using: &rng)) }
    var c = [Float](repeating: 0, count: 1024 * 1024)
    let conv = Conv2D(weight: Random.normal([64, 64, 3, 3], using: &rng) * (1 / 24), bias: Random.normal([64], using: &rng), stride: 1, padding: 1)
    let x1 = Random.normal([1, 64, 64, 64], using: &rng), x8 = Random.normal([8, 64, 64, 64], using: &rng)
    let col = Random.normal([576, 4096], using: &rng)
    var out = [Float](repeating: 0, count: 64 * 4096)
    let square = { (i: Int) in
        let (n, a, b) = squares[i]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
        } } }
    }
    let times = Timing.bestInterleaved(of: quick ? 4 : 10, [
        { square(0) }, { square(1) },
        { conv.weight.withUnsafeBufferPointer { pa in col.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(m: 64, n: 4096, k: 576, a: pa.baseAddress!, lda: 576, b: pb.baseAddress!, ldb: 4096, c: pc.baseAddress!, ldc: 4096)
        } } } },
        { blackHole(conv(x1)) },
        { blackHole(conv(x8)) },
    ])
    let g512 = 2 * pow(512.0, 3) / times[0] / 1e9, g1024 = 2 * pow(1024.0, 3) / times[1] / 1e9
    let convGemm = 2 * 64 * 4096 * 576 / times[2] / 1e9
    let peak = max(g512, g1024, convGemm)
    Report.row("sgemm 512^3 / 1024^3", Report.fixed(g512) + " / " + Report.fixed(g1024) + " GFLOP/s")
    Report.row("sgemm 64x576 * 576x4096 (conv GEMM)", Report.fixed(convGemm) + " GFLOP/s")
    Report.row("sgemm peak (best of the three)", Report.fixed(peak) + " GFLOP/s")
    for (batch, s) in [(1, times[3]), (8, times[4])] {
        let g = conv.flops(height: 64, width: 64, items: batch) / s / 1e9
        Report.row("conv3x3 64->64 64x64 batch \(batch)", Report.fixed(g) + " GFLOP/s", Report.fixed(100 * g / peak) + " % of peak",
                   Report.ms(s))
    }

    // tiny U-Net (the adm-tiny configuration, random weights)
    let tiny = UNetConfig(imageSize: 32, inChannels: 3, modelChannels: 32, outChannels: 6, numResBlocks: 1,
                          attentionResolutions: [4], channelMult: [1, 2, 2], numHeads: 2, numHeadChannels: 16,
                          useScaleShiftNorm: true, resblockUpdown: true)
    do {
        let model = try UNetModel.random(config: tiny, seed: 3)
        let xa = Random.normal([1, 3, 32, 32], using: &rng), xb = Random.normal([8, 3, 32, 32], using: &rng)
        let v = Random.normal([1, 6, 32, 32], using: &rng)
        let t = Timing.bestInterleaved(of: quick ? 3 : 7, [
            { blackHole(model(xa, t: [500])) },
            { blackHole(model(xb, t: [Float](repeating: 500, count: 8))) },
            { let (_, pb) = model.withPullback(xa, t: [500]); blackHole(pb(v)) },
        ])
        let f = model.flops(items: 1, height: 32, width: 32)
        Report.row("tiny U-Net 32x32 batch 1", Report.ms(t[0]) + "/eval", Report.fixed(f / t[0] / 1e9) + " GFLOP/s")
        Report.row("tiny U-Net 32x32 batch 8", Report.ms(t[1] / 8) + "/item", Report.fixed(8 * f / t[1] / 1e9) + " GFLOP/s")
        Report.row("tiny U-Net forward + VJP, batch 1", Report.ms(t[2]), Report.fixed(t[2] / t[0]) + "x the forward pass")
    } catch { print("  tiny U-Net: \(error)") }

    benchUNetProfile(quick: quick)

    guard !quick else { Report.row("ImageNet-256 U-Net", "skipped in --quick (one evaluation takes many seconds)"); return }
    do {
        let t0 = Timing.now()
        let model = try UNetModel.random(config: .imageNet256Unconditional, seed: 4)
        let params = try UNetModel.parameterShapes(config: .imageNet256Unconditional).reduce(0) { $0 + $1.shape.reduce(1, *) }
        let build = Timing.now() - t0
        let x = Random.normal([1, 3, 256, 256], using: &rng)
        let s = Timing.time { blackHole(model(x, t: [500])) }
        let f = model.flops(items: 1, height: 256, width: 256)
        Report.row("ImageNet-256 U-Net, random weights", Report.fixed(Double(params) / 1e6) + "M params (built in " + Report.fixed(build) + " s)")
        Report.row("ImageNet-256 U-Net 256x256 batch 1", Report.fixed(s, 2) + " s/eval", Report.fixed(f / 1e9, 0) + " GFLOP/eval",
                   Report.fixed(f / s / 1e9) + " GFLOP/s")
    } catch { print("  ImageNet-256 U-Net: \(error)") }
}
