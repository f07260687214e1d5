import COpenBLAS
import Foundation
import TensorCore

/// TensorCore: the matrix product against raw `cblas_sgemm`, element-wise throughput on one and
/// two cores, FFT, image files, resize and SSIM.
func benchTensor(quick: Bool) {
    Report.section("tensor")
    benchMatmul(quick: quick)
    benchElementwise(quick: quick)
    benchFFT(quick: quick)
    benchImages(quick: quick)
}

/// n = 1024 products: OpenBLAS's own threads (`cblas_sgemm` after `openblas_set_num_threads`
/// with all cores, as a library user would call it) against `BLAS.sgemm` (one single-core GEMM
/// per core, `red`'s default) and `Linalg.matmul` (allocates its result), interleaved.
private func benchMatmul(quick: Bool) {
    let n = 1024, cores = Parallel.threads
    var rng = SeededGenerator(seed: 1)
    let a = Random.normal([n, n], using: &rng), b = Random.normal([n, n], using: &rng)
    var c = [Float](repeating: 0, count: n * n)
    let flops = 2 * Double(n * n * n)
    let openBLASThreads = { gemm(a, b, &c, n, openBLASThreads: true) }
    let split = { gemm(a, b, &c, n) }
    let wrapped = { blackHole(Linalg.matmul(a, b)) }
    let t = Timing.bestInterleaved(of: quick ? 3 : 10, [openBLASThreads, split, wrapped])
    Report.row("sgemm n=\(n), \(cores) cores", "OpenBLAS threads \(Report.fixed(flops / t[0] / 1e9))",
               "BLAS.sgemm \(Report.fixed(flops / t[1] / 1e9))", "Linalg.matmul \(Report.fixed(flops / t[2] / 1e9)) GFLOP/s")
}

/// GB/s of element-wise operations on 8M floats (32 MB per tensor, beyond the caches).
private func benchElementwise(quick: Bool) {
    let n = quick ? 1 << 21 : 1 << 23
    var rng = SeededGenerator(seed: 2)
    let x = Random.uniform([n], using: &rng), y = Random.uniform([n], using: &rng)
    var z = x
    let gb = Double(n * 4) / 1e9
    let ops: [(String, Double, () -> Void)] = [
        ("add  a + b (new tensor)", 3 * gb, { blackHole(x + y) }),
        ("axpy z += 0.5 y (in place)", 3 * gb, { z.add(y, scaledBy: 0.5) }),
        ("map  2x + 1 (new tensor)", 2 * gb, { blackHole(x.map { 2 * $0 + 1 }) }),
        ("apply 2x + 1 (in place)", 2 * gb, { z.apply { 0.5 * $0 + 0.25 } }),
    ]
    let saved = Parallel.threads
    Report.row("element-wise, \(n / (1 << 20))M floats", "1 thread", "2 threads", "speed-up")
    for (name, bytes, body) in ops {
        var rates: [Double] = []
        for threads in [1, 2] {
            Parallel.threads = threads
            rates.append(bytes / Timing.best(of: quick ? 3 : 10, body))
        }
        Report.row(name, "\(Report.fixed(rates[0])) GB/s", "\(Report.fixed(rates[1])) GB/s", "\(Report.fixed(rates[1] / rates[0], 2))x")
    }
    Parallel.threads = saved
    blackHole(z)
}

/// 2-D FFTs of 256 × 256 planes (plans cached after the first call).
private func benchFFT(quick: Bool) {
    var rng = SeededGenerator(seed: 3)
    let c = Random.normal([1, 256, 256, 2], using: &rng)
    let r = Random.normal([3, 256, 256], using: &rng)
    let reps = quick ? 5 : 30
    Report.row("FFT complex2D 256² (1 plane)", Report.ms(Timing.best(of: reps) { blackHole(FFT.complex2D(c)) }))
    Report.row("FFT real2D + inverse 256² (3 planes)", Report.ms(Timing.best(of: reps) {
        blackHole(FFT.inverseReal2D(FFT.real2D(r), width: 256))
    }))
}

/// PNG and PPM files of a 256 × 256 RGB photo, area resize and SSIM.
private func benchImages(quick: Bool) {
    let photo = (try? Image.load(path: "Stdlib/images/coffee.png")) ?? {
        var rng = SeededGenerator(seed: 4)
        return Random.uniform([3, 256, 256], using: &rng)
    }()
    let (_, h, w) = photo.imageGeometry
    let dir = NSTemporaryDirectory() + "red-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let reps = quick ? 3 : 15
    for (file, depth) in [("a.png", Image.BitDepth.eight), ("b.png", .sixteen), ("c.ppm", .eight)] {
        let path = dir + "/" + file
        let write = Timing.best(of: reps) { try? Image.save(photo, to: path, bitDepth: depth) }
        let read = Timing.best(of: reps) { blackHole(try? Image.load(path: path)) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        Report.row("\(file.hasSuffix("png") ? "PNG" : "PPM") \(depth.rawValue)-bit \(w)×\(h) RGB (\(size / 1024) KB)",
                   "write \(Report.ms(write))", "read \(Report.ms(read))")
    }
    let big = photo.areaResized(height: 2 * h, width: 2 * w)
    Report.row("area resize \(2 * w)² → \(w / 2)² RGB", Report.ms(Timing.best(of: reps) { blackHole(big.areaResized(height: h / 2, width: w / 2)) }))
    let other = photo.map { $0 * 0.9 + 0.05 }
    Report.row("SSIM \(w)×\(h) RGB", Report.ms(Timing.best(of: reps) { blackHole(try? Metrics.ssim(photo, other)) }))
}
