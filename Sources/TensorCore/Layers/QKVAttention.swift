import Foundation

/// Multi-head softmax attention over positions, from stacked queries, keys and values
/// (guided-diffusion's `QKVAttentionLegacy` and `QKVAttention`).
///
/// Input `[N, 3C, T…]` (the spatial axes are flattened to T positions), output `[N, C, T…]` with
/// head-major channels. For each head with ch = C/heads channels:
/// w[t, s] = softmax_s(Σ_c q[c, t]·k[c, s] / √ch) (equal to scaling q and k by ch^(−1/4) each),
/// a[c, t] = Σ_s w[t, s]·v[c, s]. Softmax in float32 after subtracting the row maximum.
public struct QKVAttention: Sendable {
    /// Where each head finds its q, k, v among the 3C input channels.
    public enum Order: Sendable {
        /// `QKVAttentionLegacy`: head j uses channels [3ch·j, 3ch·(j+1)), ordered q, k, v.
        case legacy
        /// `QKVAttention`: q, k, v are the three C-channel thirds; head j uses [ch·j, ch·(j+1)) of each.
        case splitFirst
    }

    /// Floats of one core's block of attention weights (query rows × all keys; 1 MiB): the
    /// T × T matrix is never held whole.
    public static let blockBudget = 1 << 18

    public let heads: Int
    public let order: Order

    public init(heads: Int, order: Order) {
        precondition(heads >= 1, "attention needs at least one head")
        self.heads = heads
        self.order = order
    }

    /// Applies attention to `qkv` of shape `[N, 3C, …]`.
    /// - Precondition: 3C is divisible by 3·heads.
    public func callAsFunction(_ qkv: Tensor) -> Tensor {
        precondition(qkv.rank >= 3 && qkv.shape[1] % (3 * heads) == 0,
                     "attention with \(heads) heads expects [N, 3·heads·ch, …], got \(qkv.shape)")
        let n = qkv.shape[0], width = qkv.shape[1], c = width / 3, ch = c / heads
        let t = qkv.count / Swift.max(1, n * width)
        var out = [Float](repeating: 0, count: n * c * t)
        let alpha = 1 / Float(ch).squareRoot()
        // jobs: (item, head, block of query rows), each on one core with a GEMM
        let rowsPerBlock = Swift.max(16, Swift.min(t, Self.blockBudget / Swift.max(t, 1)))
        let blocks = (t + rowsPerBlock - 1) / rowsPerBlock, jobs = n * heads * blocks
        let queue = WorkQueue(count: jobs)
        out.withUnsafeMutableBufferPointer { o in
            qkv.withUnsafeBufferPointer { xp in
                let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                do {
                    Parallel.forEach(Swift.min(Parallel.threads, jobs)) { _ in
                        let pw = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * t)
                        defer { pw.deallocate() }
                        while let job = queue.next() {
                            let item = job / (heads * blocks), head = (job / blocks) % heads, block = job % blocks
                            let r0 = block * rowsPerBlock, rows = Swift.min(t, r0 + rowsPerBlock) - r0
                            let base = px.value + item * width * t
                            let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
                            switch order {
                            case .legacy:
                                q = base + head * 3 * ch * t; k = q + ch * t; v = k + ch * t
                            case .splitFirst:
                                q = base + head * ch * t; k = q + c * t; v = k + c * t
                            }
                            BLAS.sgemmSerial(transA: true, m: rows, n: t, k: ch, alpha: alpha, a: q + r0, lda: t, b: k, ldb: t,
                                       beta: 0, c: pw, ldc: t)
                            for r in 0..<rows { Self.softmax(pw + r * t, count: t) }
                            BLAS.sgemmSerial(transB: true, m: ch, n: rows, k: t, a: v, lda: t, b: pw, ldb: t,
                                       beta: 0, c: po.value + (item * c + head * ch) * t + r0, ldc: t)
                        }
                    }
                }
            }
        }
        var shape = qkv.shape
        shape[1] = c
        return Tensor(shape: shape, scalars: out)
    }

    /// Softmax of one row in place: e^(x − max) (vectorised `VectorMath.exp`), normalised.
    @inline(__always)
    static func softmax(_ row: UnsafeMutablePointer<Float>, count cols: Int) {
        let raw = UnsafeMutableRawPointer(row)
        var vm = SIMD8<Float>(repeating: -.infinity)
        var j = 0
        while j + 8 <= cols {   // lane masks, not `pointwiseMax` (which compares lane by lane)
            let v = raw.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self)
            vm.replace(with: v, where: v .> vm)
            j += 8
        }
        var m = vm.max()
        for k in j..<cols { m = Swift.max(m, row[k]) }
        let negM = SIMD8<Float>(repeating: -m)
        var vs = SIMD8<Float>(repeating: 0)
        j = 0
        while j + 8 <= cols {
            let e = VectorMath.exp(raw.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self) + negM)
            raw.storeBytes(of: e, toByteOffset: 4 * j, as: SIMD8<Float>.self)
            vs += e
            j += 8
        }
        var s = vs.sum()
        for k in j..<cols { let e = Foundation.exp(row[k] - m); row[k] = e; s += e }
        let inv = 1 / s
        VectorMath.affine(row, row, count: cols, a: inv, b: 0, silu: false)
    }

    /// Row-wise softmax of a row-major `rows × cols` matrix in place.
    public static func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let pp = UncheckedSendable(p)
        Parallel.chunks(rows, minChunk: Swift.max(1, 8192 / Swift.max(cols, 1))) { r in
            for i in r {
                let row = pp.value + i * cols
                Self.softmax(row, count: cols)
            }
        }
    }
}
