import Foundation

/// A 2-D convolution (cross-correlation, as PyTorch's `Conv2d`) with any kernel, stride and
/// zero padding, on batches `[N, Cin, H, W]`.
///
/// The output is `[N, Cout, Ho, Wo]` with Ho = ⌊(H + 2p − kh)/s⌋ + 1 (likewise Wo). The weight
/// uses PyTorch's layout `[Cout, Cin, kh, kw]`, which read as a `Cout × (Cin·kh·kw)` matrix is
/// directly the left factor of an im2col GEMM. 1×1 stride-1 kernels skip im2col entirely.
/// Large images are processed in bands of output rows (bounded scratch memory); small images
/// of a batch are grouped into one GEMM. By default every core takes its own bands of output rows
/// and runs im2col and a single-core GEMM on them while they sit in its cache (`Kernel.tiled`).
public struct Conv2D: Sendable {
    /// `[Cout, Cin, kh, kw]`.
    public let weight: Tensor
    /// `[Cout]` or nil.
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }
    public var kernelHeight: Int { weight.shape[2] }
    public var kernelWidth: Int { weight.shape[3] }
    /// A 1×1 kernel with stride 1 and no padding: every pass is a plain GEMM on the image, no im2col.
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }

    /// Scratch budget of one im2col block, in floats (16 MiB).
    public static let columnBudget = 1 << 22

    /// Scratch budget of one core's im2col tile in the `.tiled` kernel, in floats (512 KiB: the
    /// tile stays in the core's cache between im2col and its GEMM).
    public static let tileBudget = 1 << 17

    /// How `callAsFunction` evaluates a convolution that is not pointwise.
    public enum Kernel: Sendable {
        /// Each core takes bands of output rows whose im2col columns fit `tileBudget`, fills
        /// them and multiplies them with a GEMM straight into the output.
        case tiled
        /// im2col in blocks of up to `columnBudget` floats (filled on all cores), each multiplied
        /// by one GEMM split across the cores (`BLAS.sgemm`); small images of a batch are grouped
        /// into one GEMM.
        case blocked
    }

    /// The kernel `callAsFunction` uses when none is given.
    nonisolated(unsafe) public static var defaultKernel: Kernel = .tiled

    /// - Precondition: `weight` has rank 4 and `bias` (if any) has `Cout` elements; stride ≥ 1, padding ≥ 0.
    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        precondition(weight.rank == 4, "Conv2D weight must be [Cout, Cin, kh, kw], got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "Conv2D bias must have \(weight.shape[0]) elements")
        precondition(stride >= 1 && padding >= 0, "Conv2D needs stride ≥ 1 and padding ≥ 0")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    /// The output height and width for an input of `height × width` (may be ≤ 0 when the kernel does not fit).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    /// Floating-point operations (2 per multiply–add) for `items` inputs of `height × width`.
    public func flops(height: Int, width: Int, items: Int = 1) -> Double {
        let (oh, ow) = outputSize(height: height, width: width)
        return 2 * Double(items * outChannels * oh * ow) * Double(inChannels * kernelHeight * kernelWidth)
    }

    /// Applies the convolution to `x` of shape `[N, Cin, H, W]`, with `kernel` (default
    /// `defaultKernel`); every kernel gives the same result up to float rounding.
    /// - Parameter residual: a tensor of the output's shape added to the result (a residual
    ///   connection, summed by the GEMMs into the output instead of in a pass of its own).
    /// - Precondition: the channel count matches and the kernel fits the padded input.
    public func callAsFunction(_ x: Tensor, adding residual: Tensor? = nil, kernel: Kernel? = nil) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels, "Conv2D expects [N, \(inChannels), H, W], got \(x.shape)")
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "Conv2D kernel \(kernelHeight)x\(kernelWidth) does not fit \(h)x\(w) with padding \(padding)")
        let cout = outChannels, kdim = inChannels * kernelHeight * kernelWidth, hw = oh * ow
        precondition(residual == nil || residual!.shape == [n, cout, oh, ow],
                     "Conv2D residual must be [\(n), \(cout), \(oh), \(ow)], got \(residual!.shape)")
        // out = residual + bias (or either, or zero), then GEMMs accumulate into it (beta = 1)
        var out = initialOutput(items: n, planeSize: hw, residual: residual)
        out.withUnsafeMutableBufferPointer { o in
            let po = o.baseAddress!
            weight.withUnsafeBufferPointer { wp in
                x.withUnsafeBufferPointer { xp in
                    let pw = wp.baseAddress!, px = xp.baseAddress!
                    if isPointwise && (kernel ?? Self.defaultKernel) == .tiled && Parallel.threads > 1 {
                        pointwiseTiled(n: n, hw: hw, px: px, pw: pw, po: po)
                        return
                    }
                    if isPointwise {
                        for i in 0..<n {
                            BLAS.sgemm(m: cout, n: hw, k: kdim, a: pw, lda: kdim, b: px + i * kdim * hw, ldb: hw,
                                       beta: 1, c: po + i * cout * hw, ldc: hw)
                        }
                        return
                    }
                    let geo = Im2ColGeometry(c: inChannels, h: h, w: w, kh: kernelHeight, kw: kernelWidth,
                                       stride: stride, pad: padding, oh: oh, ow: ow)
                    if (kernel ?? Self.defaultKernel) == .tiled && Parallel.threads > 1 {
                        tiled(geo, n: n, px: px, pw: pw, po: po)
                    } else if kdim * hw * 2 <= Self.columnBudget && n > 1 {
                        grouped(geo, n: n, px: px, pw: pw, po: po)
                    } else {
                        banded(geo, n: n, px: px, pw: pw, po: po)
                    }
                }
            }
        }
        return Tensor(shape: [n, cout, oh, ow], scalars: out)
    }

    /// The output before the GEMMs add to it: `residual` (if any) plus the bias in every plane,
    /// written in one pass.
    private func initialOutput(items n: Int, planeSize hw: Int, residual: Tensor?) -> [Float] {
        let cout = outChannels
        guard let bias else { return residual?.scalars ?? [Float](repeating: 0, count: n * cout * hw) }
        return bias.withUnsafeBufferPointer { b in
            guard var out = residual?.scalars else {
                return [Float](unsafeUninitializedCapacity: n * cout * hw) { o, initialized in
                    for i in 0..<n { for c in 0..<cout { (o.baseAddress! + (i * cout + c) * hw).initialize(repeating: b[c], count: hw) } }
                    initialized = n * cout * hw
                }
            }
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    for c in 0..<cout {
                        let plane = o.baseAddress! + (i * cout + c) * hw
                        VectorMath.affine(plane, plane, count: hw, a: 1, b: b[c], silu: false)
                    }
                }
            }
            return out
        }
    }

    /// Whole images, several per GEMM: columns `[K, g·HW]`, result `[Cout, g·HW]` scattered to `[g, Cout, HW]`.
    private func grouped(_ geo: Im2ColGeometry, n: Int, px: UnsafePointer<Float>, pw: UnsafePointer<Float>, po: UnsafeMutablePointer<Float>) {
        let kdim = geo.kdim, hw = geo.oh * geo.ow, cout = outChannels
        let g = Swift.max(1, Swift.min(n, Self.columnBudget / (kdim * hw)))
        var col = [Float](repeating: 0, count: kdim * g * hw)
        var tmp = [Float](repeating: 0, count: cout * g * hw)
        col.withUnsafeMutableBufferPointer { cp in
            tmp.withUnsafeMutableBufferPointer { tp in
                var i0 = 0
                while i0 < n {
                    let gi = Swift.min(g, n - i0), ld = gi * hw
                    for j in 0..<gi {
                        geo.fillColumns(px + (i0 + j) * geo.c * geo.h * geo.w, rows: 0..<geo.oh, into: cp.baseAddress! + j * hw, ld: ld)
                    }
                    BLAS.sgemm(m: cout, n: ld, k: kdim, a: pw, lda: kdim, b: cp.baseAddress!, ldb: ld,
                               beta: 0, c: tp.baseAddress!, ldc: ld)
                    for j in 0..<gi {
                        for c in 0..<cout {
                            let src = tp.baseAddress! + c * ld + j * hw, dst = po + ((i0 + j) * cout + c) * hw
                            for p in 0..<hw { dst[p] += src[p] }
                        }
                    }
                    i0 += gi
                }
            }
        }
    }

    /// One image at a time, in bands of output rows: columns `[K, rows·Wo]`, GEMM straight into the output.
    private func banded(_ geo: Im2ColGeometry, n: Int, px: UnsafePointer<Float>, pw: UnsafePointer<Float>, po: UnsafeMutablePointer<Float>) {
        let kdim = geo.kdim, hw = geo.oh * geo.ow, cout = outChannels
        geo.forEachBand(items: n, budget: Self.columnBudget) { i, rows, cols, cp in
            geo.fillColumns(px + i * geo.c * geo.h * geo.w, rows: rows, into: cp, ld: cols)
            BLAS.sgemm(m: cout, n: cols, k: kdim, a: pw, lda: kdim, b: cp, ldb: cols,
                       beta: 1, c: po + i * cout * hw + rows.lowerBound * geo.ow, ldc: hw)
        }
    }
}

extension Conv2D {
    /// Bands of output rows (of every item) shared out to the cores as they come free; each core
    /// fills its own cache-sized im2col tile and runs a GEMM into the output.
    private func tiled(_ geo: Im2ColGeometry, n: Int, px: UnsafePointer<Float>, pw: UnsafePointer<Float>, po: UnsafeMutablePointer<Float>) {
        let kdim = geo.kdim, hw = geo.oh * geo.ow, cout = outChannels
        let tiling = Im2ColGeometry.Tiling(geo, items: n, budget: Self.tileBudget)
        let queue = WorkQueue(count: tiling.jobs)
        let sx = UncheckedSendable(px), sw = UncheckedSendable(pw), so = UncheckedSendable(po)
        do {
            Parallel.forEach(Swift.min(Parallel.threads, tiling.jobs)) { _ in
                let col = UnsafeMutablePointer<Float>.allocate(capacity: tiling.columnFloats)
                defer { col.deallocate() }
                while let job = queue.next() {
                    let (i, rows, cols) = tiling.tile(job)
                    geo.fillColumnsSerial(sx.value + i * geo.c * geo.h * geo.w, rows: rows, into: col, ld: cols)
                    BLAS.sgemmSerial(m: cout, n: cols, k: kdim, a: sw.value, lda: kdim, b: col, ldb: cols,
                               beta: 1, c: so.value + i * cout * hw + rows.lowerBound * geo.ow, ldc: hw)
                }
            }
        }
    }
}

extension Conv2D {
    /// A 1×1 convolution as column blocks of each item's `[Cout, HW] = W · [Cin, HW]`, shared out
    /// to the cores, each block a GEMM.
    private func pointwiseTiled(n: Int, hw: Int, px: UnsafePointer<Float>, pw: UnsafePointer<Float>, po: UnsafeMutablePointer<Float>) {
        let cin = inChannels, cout = outChannels
        let chunk = Swift.max(256, Swift.min(hw, Self.tileBudget / Swift.max(cin, 1)))
        let perItem = (hw + chunk - 1) / chunk, jobs = n * perItem
        let queue = WorkQueue(count: jobs)
        let sx = UncheckedSendable(px), sw = UncheckedSendable(pw), so = UncheckedSendable(po)
        do {
            Parallel.forEach(Swift.min(Parallel.threads, jobs)) { _ in
                while let job = queue.next() {
                    let i = job / perItem, c0 = (job % perItem) * chunk, cols = Swift.min(hw, c0 + chunk) - c0
                    BLAS.sgemmSerial(m: cout, n: cols, k: cin, a: sw.value, lda: cin, b: sx.value + i * cin * hw + c0, ldb: hw,
                               beta: 1, c: so.value + i * cout * hw + c0, ldc: hw)
                }
            }
        }
    }
}

/// Hands out the job numbers `0..<count` one at a time to whichever thread asks next.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextJob = 0
    private let count: Int

    init(count: Int) { self.count = count }

    /// The next job, or nil when all are taken.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextJob < count else { return nil }
        nextJob += 1
        return nextJob - 1
    }
}

extension Im2ColGeometry {
    /// The per-core tiles of a convolution over `items` images: bands of `band` output rows
    /// whose im2col columns fit `budget` floats, numbered item by item (jobs `0..<jobs`).
    struct Tiling {
        let geo: Im2ColGeometry
        let band, bandsPerItem, jobs: Int
        /// Floats of one tile's im2col columns.
        var columnFloats: Int { geo.kdim * band * geo.ow }

        init(_ geo: Im2ColGeometry, items: Int, budget: Int) {
            self.geo = geo
            band = Swift.max(1, Swift.min(geo.oh, budget / (geo.kdim * geo.ow)))
            bandsPerItem = (geo.oh + band - 1) / band
            jobs = items * bandsPerItem
        }

        /// The item, output rows and column count of tile `job`.
        func tile(_ job: Int) -> (item: Int, rows: Range<Int>, columns: Int) {
            let r0 = (job % bandsPerItem) * band, r1 = Swift.min(geo.oh, r0 + band)
            return (job / bandsPerItem, r0..<r1, (r1 - r0) * geo.ow)
        }
    }

    /// Visits every item `0..<n` in bands of output rows whose im2col columns (`[kdim, rows·Wo]`)
    /// fit in `budget` floats: `body(item, rows, columnCount, columnBuffer)`. The one buffer is
    /// reused for every band (forward, input-gradient and weight-gradient passes share this).
    func forEachBand(items n: Int, budget: Int, _ body: (Int, Range<Int>, Int, UnsafeMutablePointer<Float>) -> Void) {
        let band = Swift.max(1, Swift.min(oh, budget / (kdim * ow)))
        var col = [Float](repeating: 0, count: kdim * band * ow)
        col.withUnsafeMutableBufferPointer { cp in
            for i in 0..<n {
                var r0 = 0
                while r0 < oh {
                    let r1 = Swift.min(oh, r0 + band)
                    body(i, r0..<r1, (r1 - r0) * ow, cp.baseAddress!)
                    r0 = r1
                }
            }
        }
    }
}

/// The index arithmetic of im2col for one convolution.
struct Im2ColGeometry {
    let c, h, w, kh, kw, stride, pad, oh, ow: Int
    var kdim: Int { c * kh * kw }

    /// Writes the im2col rows (c, ky, kx) × output positions of `rows` for one image `[C, H, W]`
    /// into `dst` (row stride `ld`), zero where the kernel reads padding. Runs on all cores.
    func fillColumns(_ src: UnsafePointer<Float>, rows: Range<Int>, into dst: UnsafeMutablePointer<Float>, ld: Int) {
        let s = UncheckedSendable(src), d = UncheckedSendable(dst)
        let work = kdim * rows.count * ow
        Parallel.chunks(kdim, minChunk: Swift.max(1, kdim * 16_384 / Swift.max(work, 1))) { range in
            for k in range { self.fillRow(k, s.value, rows: rows, d.value + k * ld) }
        }
    }

    /// `fillColumns` on the calling thread only.
    func fillColumnsSerial(_ src: UnsafePointer<Float>, rows: Range<Int>, into dst: UnsafeMutablePointer<Float>, ld: Int) {
        for k in 0..<kdim { fillRow(k, src, rows: rows, dst + k * ld) }
    }

    @inline(__always)
    private func fillRow(_ k: Int, _ src: UnsafePointer<Float>, rows: Range<Int>, _ out: UnsafeMutablePointer<Float>) {
        let ch = k / (kh * kw), ky = (k / kw) % kh, kx = k % kw
        let plane = src + ch * h * w
        var o = out
        for oy in rows {
            let iy = oy &* stride &- pad &+ ky
            if iy < 0 || iy >= h { o.update(repeating: 0, count: ow); o += ow; continue }
            let line = plane + iy * w
            if stride == 1 {
                // ix = ox − pad + kx is valid for ox in [lo, hi)
                let lo = Swift.min(ow, Swift.max(0, pad - kx)), hi = Swift.max(lo, Swift.min(ow, w + pad - kx))
                if lo > 0 { o.update(repeating: 0, count: lo) }
                if hi > lo { (o + lo).update(from: line + (lo - pad + kx), count: hi - lo) }
                if ow > hi { (o + hi).update(repeating: 0, count: ow - hi) }
            } else {
                var ox = 0
                while ox < ow {
                    let ix = ox &* stride &- pad &+ kx
                    o[ox] = (ix >= 0 && ix < w) ? line[ix] : 0
                    ox &+= 1
                }
            }
            o += ow
        }
    }
}
