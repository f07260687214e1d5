import Diffusion
import Foundation
import TensorCore

/// Priors: natural-prior ε̂ throughput against `cblas_sgemm` measured in the same run, cost per
/// image size, the exact GMM prior at D = 800, and one-shot denoising PSNR of the natural prior
/// next to oracle-tuned classical baselines (Gaussian filter, total variation) on the demo images.
func benchPriors(quick: Bool) {
    Report.section("priors")
    func best(_ reps: Int, _ body: () -> Void) -> Double {
        var t = Double.infinity
        for _ in 0..<reps { let s = Date(); body(); t = min(t, Date().timeIntervalSince(s)) }
        return t
    }
    // sgemm peak on this machine now (n = 1024, best of 5).
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let gemmTime = best(quick ? 3 : 5) {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
        } } }
    }
    let peak = 2 * Double(n * n * n) / gemmTime / 1e9
    print(String(format: "sgemm 1024³: %.1f GFLOP/s (%d cores)", peak, Parallel.threads))

    let stdlib = ProcessInfo.processInfo.environment["RED_STDLIB"] ?? "Stdlib"
    guard let natural = try? Priors.natural(stdlib: stdlib) else {
        print("natural prior: \(stdlib)/priors/natural.safetensors not found (run Scripts/train-natural)")
        return
    }
    print("natural prior: \(natural.side)x\(natural.side) patches, stride \(natural.stride), K luma \(natural.luma.count), K chroma \(natural.chroma?.count ?? 0)")
    var rng = SeededGenerator(seed: 1)
    print("| image | ε̂ per call | GFLOP/s | of sgemm peak | 100 RED-diff steps |")
    print("|---|---|---|---|---|")
    for side in quick ? [64, 256] : [64, 128, 256, 512] {
        let x = Random.normal([1, 3, side, side], using: &rng)
        let reps = side <= 128 ? 5 : 3
        let t = best(reps) { _ = natural.epsilon(x, t: 500, using: &rng) }
        let gflops = (natural.flops(itemShape: [3, side, side], items: 1) ?? 0) / t / 1e9
        print(String(format: "| %d² RGB | %.1f ms | %.1f | %.0f %% | %.1f s |", side, t * 1e3, gflops, 100 * gflops / peak, 100 * t))
    }
    if let grid = try? GaussianMixturePrior.grid(dim: 800) {
        let x = Random.normal([200, 800], using: &rng)
        let t = best(5) { _ = grid.epsilon(x, t: 500, using: &rng) }
        print(String(format: "GMM prior D=800 K=25, batch 200: ε̂ %.1f ms", t * 1e3))
    }

    // One-shot denoising on the demo images (not training photos).
    let names = ["astronaut", "camera", "chelsea", "coffee"]
    let sigmas: [Double] = [15, 25, 50]
    print("| image | σ | noisy | Gaussian filter (oracle width) | TV (oracle λ) | natural prior |")
    print("|---|---|---|---|---|---|")
    var sums = [[Double]](repeating: [0, 0, 0, 0], count: sigmas.count)
    var count = 0
    for name in names {
        guard let clean = try? Image.load(path: "\(stdlib)/images/\(name).png") else { continue }
        count += 1
        for (si, s255) in sigmas.enumerated() {
            let sigma = Float(s255 / 255)
            var noiseRng = SeededGenerator(seed: UInt64(si * 100 + count))
            let noisy = clean + Random.normal(clean.shape, using: &noiseRng) * sigma
            let pNoisy = (try? Metrics.psnr(noisy.clamped(0, 1), clean)) ?? .nan
            var bestGauss = -Double.infinity, bestWidth = 0.0
            for width in [0.5, 0.7, 1.0, 1.4, 2.0, 2.8] {
                let p = (try? Metrics.psnr(gaussianBlur(noisy, sigma: width).clamped(0, 1), clean)) ?? .nan
                if p > bestGauss { bestGauss = p; bestWidth = width }
            }
            var bestTV = -Double.infinity, bestLambda = 0.0
            for f in quick ? [0.7, 1.0] : [0.5, 0.7, 1.0, 1.4, 2.0] {
                let p = (try? Metrics.psnr(tvDenoise(noisy, lambda: f * Double(sigma), iterations: quick ? 40 : 80).clamped(0, 1), clean)) ?? .nan
                if p > bestTV { bestTV = p; bestLambda = f * Double(sigma) }
            }
            let model = noisy.map { 2 * $0 - 1 }
            let denoised = natural.denoise(model, noiseLevel: 2 * sigma, using: &rng).map { ($0 + 1) / 2 }
            let pPrior = (try? Metrics.psnr(denoised.clamped(0, 1), clean)) ?? .nan
            sums[si][0] += pNoisy; sums[si][1] += bestGauss; sums[si][2] += bestTV; sums[si][3] += pPrior
            print(String(format: "| %@ | %.0f/255 | %.2f | %.2f (σ_blur %.1f) | %.2f (λ %.3f) | %.2f |", name, s255, pNoisy, bestGauss, bestWidth,
                         bestTV, bestLambda, pPrior))
        }
    }
    for (si, s255) in sigmas.enumerated() where count > 0 {
        let m = sums[si].map { $0 / Double(count) }
        print(String(format: "| mean | %.0f/255 | %.2f | %.2f | %.2f | %.2f (%+.2f dB over TV) |", s255, m[0], m[1], m[2], m[3], m[3] - m[2]))
    }
}

/// Total-variation denoising argmin_u ½‖u − f‖² + λ TV(u) of an image `[C, H, W]` (colour TV:
/// the gradient norm couples the channels) by Chambolle's dual projection (2004), step 1/4.
func tvDenoise(_ f: Tensor, lambda: Double, iterations: Int) -> Tensor {
    let c = f.shape[0], h = f.shape[1], w = f.shape[2], plane = h * w
    let lam = Float(lambda), tau: Float = 0.248
    var px = [Float](repeating: 0, count: c * plane), py = px, div = px
    let fs = f.scalars
    func divergence() {
        for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            let i = ch * plane + y * w + x
            var d: Float = 0
            if x < w - 1 { d += px[i] }
            if x > 0 { d -= px[i - 1] }
            if y < h - 1 { d += py[i] }
            if y > 0 { d -= py[i - w] }
            div[i] = d
        } } }
    }
    var gx = [Float](repeating: 0, count: c * plane), gy = gx
    for _ in 0..<iterations {
        divergence()
        for i in 0..<(c * plane) { div[i] -= fs[i] / lam }
        for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            let i = ch * plane + y * w + x
            gx[i] = x < w - 1 ? div[i + 1] - div[i] : 0
            gy[i] = y < h - 1 ? div[i + w] - div[i] : 0
        } } }
        for e in 0..<plane {
            var n: Float = 0
            for ch in 0..<c { let i = ch * plane + e; n += gx[i] * gx[i] + gy[i] * gy[i] }
            let scale = 1 / (1 + tau * n.squareRoot())
            for ch in 0..<c { let i = ch * plane + e; px[i] = (px[i] + tau * gx[i]) * scale; py[i] = (py[i] + tau * gy[i]) * scale }
        }
    }
    divergence()
    return Tensor(shape: f.shape, scalars: (0..<(c * plane)).map { fs[$0] - lam * div[$0] })
}

/// Separable Gaussian blur of an image `[C, H, W]` with mirrored borders.
func gaussianBlur(_ x: Tensor, sigma: Double) -> Tensor {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    var k = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
    let total = k.reduce(0, +)
    k = k.map { $0 / total }
    let c = x.shape[0], h = x.shape[1], w = x.shape[2]
    func mirrorIndex(_ i: Int, _ n: Int) -> Int {
        let p = 2 * n
        var m = i % p
        if m < 0 { m += p }
        return m < n ? m : p - 1 - m
    }
    var tmp = x, out = x
    for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
        var s: Float = 0
        for (o, kv) in k.enumerated() { s += kv * x.scalars[ch * h * w + y * w + mirrorIndex(xx + o - radius, w)] }
        tmp.scalars[ch * h * w + y * w + xx] = s
    } } }
    for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
        var s: Float = 0
        for (o, kv) in k.enumerated() { s += kv * tmp.scalars[ch * h * w + mirrorIndex(y + o - radius, h) * w + xx] }
        out.scalars[ch * h * w + y * w + xx] = s
    } } }
    return out
}
