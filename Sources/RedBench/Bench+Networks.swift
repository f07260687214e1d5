import Foundation
import Networks
import TensorCore

/// Neural-network benchmarks: convolution throughput against the measured sgemm peak, the tiny
/// ADM U-Net and (full mode only) the ImageNet-256 ADM U-Net with random weights.
func benchNetworks(quick: Bool) {
    print("== networks (OpenBLAS \(BLAS.coreName), \(BLAS.threads) BLAS threads, \(Parallel.threads) cores)")
    // sgemm peak and the convolutions, measured round-robin so that all see the same machine
    // load; each figure is the best of its runs, the peak the best sgemm rate of the run.
    var rng = SeededGenerator(seed: 2)
    let squares = [512, 1024].map { n in (n, Random.normal([n, n], using: &rng), Random.normal([n, n], using: &rng)) }
    var c = [Float](repeating: 0, count: 1024 * 1024)
    let conv = Conv2D(weight: Random.normal([64, 64, 3, 3], using: &rng) * (1 / 24), bias: Random.normal([64], using: &rng), stride: 1, padding: 1)
    let x1 = Random.normal([1, 64, 64, 64], using: &rng), x8 = Random.normal([8, 64, 64, 64], using: &rng)
    let col = Random.normal([576, 4096], using: &rng)
    var out = [Float](repeating: 0, count: 64 * 4096)
    var sink: Float = 0
    let square = { (i: Int) in
        let (n, a, b) = squares[i]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
        } } }
    }
    let times = networksRoundRobin(quick ? 4 : 10, [
        { square(0) }, { square(1) },
        { conv.weight.withUnsafeBufferPointer { pa in col.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(m: 64, n: 4096, k: 576, a: pa.baseAddress!, lda: 576, b: pb.baseAddress!, ldb: 4096, c: pc.baseAddress!, ldc: 4096)
        } } } },
        { sink += conv(x1).scalars[0] },
        { sink += conv(x8).scalars[0] },
    ])
    let g512 = 2 * pow(512.0, 3) / times[0] / 1e9, g1024 = 2 * pow(1024.0, 3) / times[1] / 1e9
    let convGemm = 2 * 64 * 4096 * 576 / times[2] / 1e9
    let peak = max(g512, g1024, convGemm)
    print(String(format: "sgemm 512^3 / 1024^3                  %7.1f / %.1f GFLOP/s", g512, g1024))
    print(String(format: "sgemm 64x576 * 576x4096 (conv's GEMM) %7.1f GFLOP/s", convGemm))
    print(String(format: "sgemm peak (best of the three)        %7.1f GFLOP/s", peak))
    for (batch, s) in [(1, times[3]), (8, times[4])] {
        let g = conv.flops(height: 64, width: 64, items: batch) / s / 1e9
        print(String(format: "conv3x3 64->64 64x64 batch %d          %7.1f GFLOP/s = %5.1f%% of peak (%.2f ms)%@",
                     batch, g, 100 * g / peak, s * 1e3, sink.isNaN ? " NaN" : ""))
    }
    let reps = quick ? 3 : 5

    // tiny U-Net (the adm-tiny configuration, random weights)
    let tiny = UNetConfig(imageSize: 32, inChannels: 3, modelChannels: 32, outChannels: 6, numResBlocks: 1,
                          attentionResolutions: [4], channelMult: [1, 2, 2], numHeads: 2, numHeadChannels: 16,
                          useScaleShiftNorm: true, resblockUpdown: true)
    do {
        let model = try UNetModel.random(config: tiny, seed: 3)
        for batch in [1, 8] {
            let x = Random.normal([batch, 3, 32, 32], using: &rng)
            let s = networksBestSeconds(reps) { _ = model(x, t: [Float](repeating: 500, count: batch)) }
            let f = model.flops(items: batch, height: 32, width: 32)
            print(String(format: "tiny U-Net 32x32 batch %d              %7.2f ms/eval (%.2f ms/item, %.1f GFLOP/s)",
                         batch, s * 1e3, s * 1e3 / Double(batch), f / s / 1e9))
        }
        let x = Random.normal([1, 3, 32, 32], using: &rng), v = Random.normal([1, 6, 32, 32], using: &rng)
        let times = networksRoundRobin(reps, [
            { _ = model(x, t: [500]) },
            { let (_, pb) = model.withPullback(x, t: [500]); _ = pb(v) },
        ])
        print(String(format: "tiny U-Net 32x32 forward + VJP         %7.2f ms (%.1fx the forward pass)", times[1] * 1e3, times[1] / times[0]))
    } catch { print("tiny U-Net: \(error)") }

    guard !quick else { print("ImageNet-256 U-Net: skipped in quick mode (one evaluation takes seconds)"); return }
    do {
        let t0 = ContinuousClock.now
        let model = try UNetModel.random(config: .imageNet256Unconditional, seed: 4)
        let params = try UNetModel.parameterShapes(config: .imageNet256Unconditional).reduce(0) { $0 + $1.shape.reduce(1, *) }
        let build = ContinuousClock.now - t0
        let x = Random.normal([1, 3, 256, 256], using: &rng)
        let s = networksBestSeconds(1) { _ = model(x, t: [500]) }
        let f = model.flops(items: 1, height: 256, width: 256)
        print(String(format: "ImageNet-256 U-Net (%.1fM params, random, built in %.1f s): %.2f s/eval, %.0f GFLOP/eval, %.1f GFLOP/s",
                     Double(params) / 1e6, Double(build.components.seconds) + Double(build.components.attoseconds) / 1e18,
                     s, f / 1e9, f / s / 1e9))
    } catch { print("ImageNet-256 U-Net: \(error)") }
}

/// The best wall time of each body over `rounds` round-robin runs (after one warm-up round), in seconds.
private func networksRoundRobin(_ rounds: Int, _ bodies: [() -> Void]) -> [Double] {
    for body in bodies { body() }
    var best = [Double](repeating: .infinity, count: bodies.count)
    for _ in 0..<rounds {
        for (i, body) in bodies.enumerated() {
            let t0 = ContinuousClock.now
            body()
            let d = ContinuousClock.now - t0
            best[i] = min(best[i], Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
    }
    return best
}

/// The best wall time of `reps` runs of `body` (after one warm-up run when reps > 1), in seconds.
private func networksBestSeconds(_ reps: Int, _ body: () -> Void) -> Double {
    if reps > 1 { body() }
    var best = Double.infinity
    for _ in 0..<reps {
        let t0 = ContinuousClock.now
        body()
        let d = ContinuousClock.now - t0
        best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
    return best
}
