import TensorCore

/// A separable linear operator on images `[C, H, W]`: the same per-axis maps on every channel,
/// `Y_c = R_h X_c R_wᵀ` (blur, block average, bicubic resampling, row/column masks, and their
/// compositions), with an exact matrix-free SVD from the SVDs of the two 1-D maps.
///
/// With `R_h = U_h S_h V_hᵀ` and `R_w = U_w S_w V_wᵀ`, the spectral coordinates of `x` are
/// `Z_c = V_hᵀ X_c V_w` and `A` scales entry (c, i, j) by `s_h[i]·s_w[j]`. The leading
/// `C·k_h·k_w` spectral coordinates (`i < k_h`, `j < k_w`, channel-major) pair with
/// `singularValues`; the rest are the null space (input) or the orthogonal complement of the
/// range (output). Every channel pairs with the same singular values.
public struct SeparableOperator: SVDOperator {
    public let name: String
    public let channels: Int
    /// The map along H (`[outH, H]`) and along W (`[outW, W]`).
    public let rows: AxisMap, cols: AxisMap
    let rowsT: AxisMap, colsT: AxisMap
    let uh: Tensor, vht: Tensor, sh: [Float]    // full U_h [oh, oh], V_hᵀ [H, H], s_h [kh]
    let uw: Tensor, vwt: Tensor, sw: [Float]
    public let singularValues: Tensor
    /// Singular values below `cutoff · σ_max` are treated as zero by `pseudoInverse`.
    public let cutoff: Float
    /// The cutoff of `stablePseudoInverse` (at least `cutoff`).
    public let stableCutoff: Float
    public var inputShape: [Int] { [channels, rows.inCount, cols.inCount] }
    public var outputShape: [Int] { [channels, rows.outCount, cols.outCount] }

    /// An operator applying `rows` along H and `cols` along W of each of `channels` planes.
    /// - Throws: `OperatorError.numerical` when a 1-D SVD fails.
    public init(name: String, channels: Int, rows: AxisMap, cols: AxisMap, cutoff: Float = 1e-5, stableCutoff: Float = 0) throws {
        self.name = name
        self.stableCutoff = Swift.max(cutoff, stableCutoff)
        self.channels = channels
        self.rows = rows
        self.cols = cols
        self.rowsT = rows.transposed()
        self.colsT = cols.transposed()
        self.cutoff = cutoff
        do {
            let mh = try MatrixOperator(rows.dense())
            let mw = rows == cols ? mh : try MatrixOperator(cols.dense())   // square images: one SVD
            (uh, vht, sh) = (mh.u, mh.vt, mh.singularValues.scalars)
            (uw, vwt, sw) = (mw.u, mw.vt, mw.singularValues.scalars)
        } catch {
            throw OperatorError.numerical("the SVD of '\(name)' failed: \(error)")
        }
        var s = [Float]()
        s.reserveCapacity(channels * sh.count * sw.count)
        for _ in 0..<channels { for a in sh { for b in sw { s.append(a * b) } } }
        singularValues = Tensor(shape: [s.count], scalars: s)
    }

    public func apply(_ x: Tensor) -> Tensor { AxisMap.applySeparable(x, rows: rows, cols: cols) }
    public func adjoint(_ y: Tensor) -> Tensor { AxisMap.applySeparable(y, rows: rowsT, cols: colsT) }

    /// `L Z_c Rᵀ` for every plane of `z` `[C, a, b]` with `l` `[p, a]` and `r` `[q, b]`
    /// (transposed when asked): `[C, p, q]`.
    static func sandwich(_ z: Tensor, _ l: Tensor, transposeL: Bool, _ r: Tensor, transposeR: Bool) -> Tensor {
        let c = z.shape[0], a = z.shape[1], b = z.shape[2]
        let right = Linalg.matmul(z.reshaped([c * a, b]), r, transposeB: !transposeR)   // [C·a, q]
        let q = right.shape[1]
        return Tensor.stacked((0..<c).map { ch in
            let plane = Tensor(shape: [a, q], scalars: Array(right.scalars[(ch * a * q)..<((ch + 1) * a * q)]))
            return Linalg.matmul(l, plane, transposeA: transposeL)
        })
    }

    /// Moves the leading block (`i < kh`, `j < kw` of each plane `[C, P, Q]`) to the front of a
    /// flat vector, channel-major, followed by the remaining entries in natural order.
    static func gatherLeading(_ z: Tensor, kh: Int, kw: Int) -> Tensor {
        let c = z.shape[0], p = z.shape[1], q = z.shape[2]
        if kh == p && kw == q { return z.reshaped([z.count]) }
        var out = [Float](repeating: 0, count: z.count)
        var lead = 0, rest = c * kh * kw
        for ch in 0..<c { for i in 0..<p { for j in 0..<q {
            let v = z.scalars[(ch * p + i) * q + j]
            if i < kh && j < kw { out[lead] = v; lead += 1 } else { out[rest] = v; rest += 1 }
        } } }
        return Tensor(shape: [z.count], scalars: out)
    }

    /// The inverse of `gatherLeading`.
    static func scatterLeading(_ v: Tensor, shape: [Int], kh: Int, kw: Int) -> Tensor {
        let c = shape[0], p = shape[1], q = shape[2]
        if kh == p && kw == q { return v.reshaped(shape) }
        var out = [Float](repeating: 0, count: v.count)
        var lead = 0, rest = c * kh * kw
        for ch in 0..<c { for i in 0..<p { for j in 0..<q {
            if i < kh && j < kw { out[(ch * p + i) * q + j] = v.scalars[lead]; lead += 1 }
            else { out[(ch * p + i) * q + j] = v.scalars[rest]; rest += 1 }
        } } }
        return Tensor(shape: shape, scalars: out)
    }

    public func applyVT(_ x: Tensor) -> Tensor {
        Self.gatherLeading(Self.sandwich(x, vht, transposeL: false, vwt, transposeR: false), kh: sh.count, kw: sw.count)
    }
    public func applyV(_ z: Tensor) -> Tensor {
        Self.sandwich(Self.scatterLeading(z, shape: inputShape, kh: sh.count, kw: sw.count),
                      vht, transposeL: true, vwt, transposeR: true)
    }
    public func applyUT(_ y: Tensor) -> Tensor {
        Self.gatherLeading(Self.sandwich(y, uh, transposeL: true, uw, transposeR: true), kh: sh.count, kw: sw.count)
    }
    public func applyU(_ z: Tensor) -> Tensor {
        Self.sandwich(Self.scatterLeading(z, shape: outputShape, kh: sh.count, kw: sw.count),
                      uh, transposeL: false, uw, transposeR: false)
    }

    /// The Moore–Penrose pseudo-inverse `V Σ⁺ Uᵀ y` (σ below `cutoff·σ_max` treated as zero).
    public func pseudoInverse(_ y: Tensor) -> Tensor { pseudoInverse(y, cutoff: cutoff) }

    /// The pseudo-inverse with singular values below `stableCutoff · σ_max` dropped (blurs:
    /// 3·10⁻², as upstream; resampling operators keep the exact A⁺).
    public func stablePseudoInverse(_ y: Tensor) -> Tensor { pseudoInverse(y, cutoff: stableCutoff) }
    /// The cut of `stablePseudoInverse` when it differs from the exact inverse's, else 0.
    public var stableDamping: Double { stableCutoff > cutoff ? Double(stableCutoff) : 0 }

    /// V Σ⁺ Uᵀ y with singular values below `cutoff · σ_max` treated as zero.
    func pseudoInverse(_ y: Tensor, cutoff: Float) -> Tensor {
        let c = channels, oh = rows.outCount, ow = cols.outCount, h = rows.inCount, w = cols.inCount
        let kh = sh.count, kw = sw.count
        let uty = Self.sandwich(y, uh, transposeL: true, uw, transposeR: true)   // [C, oh, ow]
        let smax = (sh.max() ?? 0) * (sw.max() ?? 0)
        var z = [Float](repeating: 0, count: c * h * w)
        for ch in 0..<c { for i in 0..<kh { for j in 0..<kw {
            let s = sh[i] * sw[j]
            if s > cutoff * smax { z[(ch * h + i) * w + j] = uty.scalars[(ch * oh + i) * ow + j] / s }
        } } }
        return Self.sandwich(Tensor(shape: [c, h, w], scalars: z), vht, transposeL: true, vwt, transposeR: true)
    }

    /// `self ∘ inner` (apply `inner` first) as one separable operator.
    public func composed(after inner: SeparableOperator, name: String) throws -> SeparableOperator {
        precondition(inner.outputShape == inputShape)
        return try SeparableOperator(name: name, channels: channels, rows: rows.composed(after: inner.rows),
                                     cols: cols.composed(after: inner.cols), cutoff: Swift.max(cutoff, inner.cutoff),
                                     stableCutoff: Swift.max(stableCutoff, inner.stableCutoff))
    }
}
