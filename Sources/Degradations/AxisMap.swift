import TensorCore

/// A one-dimensional linear map `R` `[out, in]` stored as sparse rows (a band of taps per output
/// index): the per-axis factor of a separable operator (blur, block average, bicubic resampling,
/// a row or column selection).
public struct AxisMap: Sendable, Equatable {
    /// The input length.
    public let inCount: Int
    /// The output length.
    public let outCount: Int
    let starts: [Int]      // first input index of each output row
    let offsets: [Int]     // offsets[i]..<offsets[i+1] index `weights` for output row i
    let weights: [Float]
    /// For a same-size convolution: `y[i] = Σ_s band[s]·x[i + s − bandLead]` (zero boundary),
    /// used by the fast path; empty otherwise.
    private(set) var band: [Float] = []
    private(set) var bandLead = 0

    /// A map from explicit rows: output `i` is `Σ_t rows[i].weights[t] · x[rows[i].start + t]`.
    /// Taps outside `0..<inCount` are dropped (zero boundary).
    public init(inCount: Int, rows: [(start: Int, weights: [Float])]) {
        self.inCount = inCount
        self.outCount = rows.count
        var starts = [Int](), offsets = [0], weights = [Float]()
        starts.reserveCapacity(rows.count)
        for row in rows {
            var lo = row.start, w = row.weights
            if lo < 0 { w.removeFirst(Swift.min(-lo, w.count)); lo = 0 }
            if lo + w.count > inCount { w.removeLast(Swift.min(lo + w.count - inCount, w.count)) }
            while let f = w.first, f == 0 { w.removeFirst(); lo += 1 }
            while let l = w.last, l == 0 { w.removeLast() }
            starts.append(w.isEmpty ? 0 : lo)
            weights += w
            offsets.append(weights.count)
        }
        self.starts = starts
        self.offsets = offsets
        self.weights = weights
    }

    /// The map of a dense matrix `[out, in]` (exact zeros are skipped).
    public init(dense m: Tensor) {
        precondition(m.rank == 2)
        let o = m.shape[0], n = m.shape[1]
        self.init(inCount: n, rows: (0..<o).map { i in (0, Array(m.scalars[(i * n)..<((i + 1) * n)])) })
    }

    /// The identity on `n` entries.
    public static func identity(_ n: Int) -> AxisMap {
        AxisMap(inCount: n, rows: (0..<n).map { ($0, [1]) })
    }

    /// A diagonal map (for example a row or column selection with 0/1 entries).
    public static func diagonal(_ d: [Float]) -> AxisMap {
        AxisMap(inCount: d.count, rows: d.enumerated().map { ($0.offset, [$0.element]) })
    }

    /// The 'same'-size convolution with zero boundary: `y[i] = Σ_t k[t] x[i − t + anchor]`,
    /// `anchor = (k.count − 1) / 2` (for an odd symmetric kernel this is also the correlation).
    public static func convolution(_ k: [Float], length n: Int) -> AxisMap {
        let anchor = (k.count - 1) / 2
        let flipped = Array(k.reversed())   // y[i] = Σ_s flipped[s] x[i + s − (k.count − 1 − anchor)]
        let lead = k.count - 1 - anchor
        var map = AxisMap(inCount: n, rows: (0..<n).map { i in (i - lead, flipped) })
        map.band = flipped
        map.bandLead = lead
        return map
    }

    /// The dense matrix `[out, in]`.
    public func dense() -> Tensor {
        var m = [Float](repeating: 0, count: outCount * inCount)
        for i in 0..<outCount {
            for t in offsets[i]..<offsets[i + 1] { m[i * inCount + starts[i] + t - offsets[i]] += weights[t] }
        }
        return Tensor(shape: [outCount, inCount], scalars: m)
    }

    /// The transposed map `Rᵀ` `[in, out]`.
    public func transposed() -> AxisMap {
        if !band.isEmpty {
            var map = AxisMap(inCount: inCount, rows: (0..<inCount).map { j in (j - (band.count - 1 - bandLead), Array(band.reversed())) })
            map.band = Array(band.reversed())
            map.bandLead = band.count - 1 - bandLead
            return map
        }
        var cols = [[(Int, Float)]](repeating: [], count: inCount)
        for i in 0..<outCount {
            for t in offsets[i]..<offsets[i + 1] { cols[starts[i] + t - offsets[i]].append((i, weights[t])) }
        }
        return AxisMap(inCount: outCount, rows: cols.map { entries in
            guard let lo = entries.first?.0, let hi = entries.last?.0 else { return (0, []) }
            var w = [Float](repeating: 0, count: hi - lo + 1)
            for (i, v) in entries { w[i - lo] += v }
            return (lo, w)
        })
    }

    /// The composition `self ∘ other` (apply `other` first).
    public func composed(after other: AxisMap) -> AxisMap {
        precondition(other.outCount == inCount)
        return AxisMap(dense: Linalg.matmul(dense(), other.dense()))
    }

    /// Whether the map is the identity.
    public var isIdentity: Bool {
        outCount == inCount && (0..<outCount).allSatisfy { i in
            offsets[i + 1] - offsets[i] == 1 && starts[i] == i && weights[offsets[i]] == 1
        }
    }

    /// Applies the map along the last axis of `planes · rows` rows of length `inCount`
    /// (`src` `[rows, inCount]` → `dst` `[rows, outCount]`).
    func applyAlongRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int) {
        if !band.isEmpty { applyBandAlongRows(src, dst, rows: rows); return }
        let n = inCount, o = outCount
        let work = Swift.max(1, weights.count)
        let s = UncheckedSendable(src), d = UncheckedSendable(dst)
        starts.withUnsafeBufferPointer { st in offsets.withUnsafeBufferPointer { of in weights.withUnsafeBufferPointer { wt in
            let st = UncheckedSendable(st), of = UncheckedSendable(of), wt = UncheckedSendable(wt)
            Parallel.chunks(rows, minChunk: Swift.max(1, Parallel.grain / work)) { range in
                for r in range {
                    let x = s.value + r &* n, y = d.value + r &* o
                    for i in 0..<o {
                        var acc: Float = 0
                        let base = x + (st.value[i] &- of.value[i])
                        for t in of.value[i]..<of.value[i &+ 1] { acc += wt.value[t] * base[t] }
                        y[i] = acc
                    }
                }
            }
        } } }
    }

    /// The convolution fast path of `applyAlongRows`: one shifted axpy per tap.
    private func applyBandAlongRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int) {
        let n = inCount, lead = bandLead
        let s = UncheckedSendable(src), d = UncheckedSendable(dst)
        band.withUnsafeBufferPointer { bp in
            let taps = UncheckedSendable(bp)
            Parallel.chunks(rows, minChunk: Swift.max(1, Parallel.grain / Swift.max(1, n * bp.count))) { range in
                for r in range {
                    let x = s.value + r &* n, y = d.value + r &* n
                    for i in 0..<n { y[i] = 0 }
                    for t in 0..<taps.value.count {
                        let shift = t &- lead, w = taps.value[t]
                        let lo = Swift.max(0, -shift), hi = Swift.min(n, n &- shift)
                        if lo >= hi { continue }
                        let xs = x + shift
                        for i in lo..<hi { y[i] += w * xs[i] }
                    }
                }
            }
        }
    }

    /// Applies the map along the second-to-last axis: `src` `[planes, inCount, width]` →
    /// `dst` `[planes, outCount, width]` (row axpys over the width).
    func applyAlongColumns(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, planes: Int, width: Int) {
        let n = inCount, o = outCount
        let s = UncheckedSendable(src), d = UncheckedSendable(dst)
        let work = Swift.max(1, weights.count / Swift.max(o, 1)) * width
        starts.withUnsafeBufferPointer { st in offsets.withUnsafeBufferPointer { of in weights.withUnsafeBufferPointer { wt in
            let st = UncheckedSendable(st), of = UncheckedSendable(of), wt = UncheckedSendable(wt)
            Parallel.chunks(planes * o, minChunk: Swift.max(1, Parallel.grain / work)) { range in
                for pi in range {
                    let p = pi / o, i = pi - p &* o
                    let y = d.value + pi &* width
                    for j in 0..<width { y[j] = 0 }
                    for t in of.value[i]..<of.value[i &+ 1] {
                        let w = wt.value[t]
                        let x = s.value + (p &* n &+ st.value[i] &+ t &- of.value[i]) &* width
                        for j in 0..<width { y[j] += w * x[j] }
                    }
                }
            }
        } } }
    }
}

extension AxisMap {
    /// Applies `rows` along H and `cols` along W of every plane of `[C, H, W]`.
    static func applySeparable(_ x: Tensor, rows: AxisMap, cols: AxisMap) -> Tensor {
        let c = x.shape[0]
        precondition(x.rank == 3 && x.shape[1] == rows.inCount && x.shape[2] == cols.inCount,
                     "separable map of \(rows.inCount)x\(cols.inCount) applied to \(x.shape)")
        var mid = [Float](repeating: 0, count: c * rows.inCount * cols.outCount)
        var out = [Float](repeating: 0, count: c * rows.outCount * cols.outCount)
        x.withUnsafeBufferPointer { px in
            mid.withUnsafeMutableBufferPointer { pm in
                cols.applyAlongRows(px.baseAddress!, pm.baseAddress!, rows: c * rows.inCount)
                out.withUnsafeMutableBufferPointer { po in
                    rows.applyAlongColumns(UnsafePointer(pm.baseAddress!), po.baseAddress!, planes: c, width: cols.outCount)
                }
            }
        }
        return Tensor(shape: [c, rows.outCount, cols.outCount], scalars: out)
    }
}
