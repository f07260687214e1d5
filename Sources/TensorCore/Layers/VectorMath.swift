/// Vectorised element-wise kernels for the layers' hot loops (eight lanes at a time, plain
/// SIMD arithmetic the compiler maps to the machine's vector registers).
public enum VectorMath {
    /// e^x in every lane: Cephes' `expf` (range reduction by ln 2 in two parts, degree-6
    /// polynomial), relative error within a few float ulps of the correctly rounded value on
    /// [−87.3, 88.3]; arguments outside are clamped to that range (e^x then saturates near
    /// 1.2e−38 or 2.1e38 instead of reaching 0 or ∞).
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // clamped by lane masks (min/max instructions; `clamped(lowerBound:upperBound:)` would
        // go lane by lane through scalar comparisons)
        var x = x
        let lo = SIMD8<Float>(repeating: -87.3), hi = SIMD8<Float>(repeating: 88.3)
        x.replace(with: lo, where: x .< lo)
        x.replace(with: hi, where: x .> hi)
        // n = round(x / ln 2), by the 1.5·2²³ trick (exact for |x/ln 2| < 2²²)
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let t = x * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_400_546_905_8e-4
        let z = r * r
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * z + r + 1
        // 2^n from the integer n sitting in the low mantissa bits of t
        let bits = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
        return y * scale
    }

    /// SiLU(y) = y / (1 + e^(−y)) in every lane.
    @inlinable @inline(__always)
    public static func silu(_ y: SIMD8<Float>) -> SIMD8<Float> { y / (1 + exp(-y)) }

    /// dst[i] = a·src[i] + b, followed by SiLU when `silu`, for `count` elements (`src` may equal `dst`).
    @inlinable
    public static func affine(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                              a: Float, b: Float, silu: Bool) {
        var i = 0
        let va = SIMD8<Float>(repeating: a), vb = SIMD8<Float>(repeating: b)
        let rs = UnsafeRawPointer(src), rd = UnsafeMutableRawPointer(dst)
        if silu {
            while i + 8 <= count {
                let y = rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * va + vb
                rd.storeBytes(of: Self.silu(y), toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
        } else {
            while i + 8 <= count {
                let y = rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * va + vb
                rd.storeBytes(of: y, toByteOffset: 4 * i, as: SIMD8<Float>.self)
                i += 8
            }
        }
        if i < count {   // the tail, through one zero-padded vector
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<(count - i) { v[j] = src[i + j] }
            var y = v * va + vb
            if silu { y = Self.silu(y) }
            for j in 0..<(count - i) { dst[i + j] = y[j] }
        }
    }

    /// Σ src[i] and Σ (src[i] − shift)², accumulated in float vectors over blocks of 1024 and in
    /// double across blocks.
    @inlinable
    public static func sums(_ src: UnsafePointer<Float>, count: Int, shift: Float = 0) -> (sum: Double, squares: Double) {
        var sum = 0.0, squares = 0.0
        let rs = UnsafeRawPointer(src), vs = SIMD8<Float>(repeating: shift)
        var i = 0
        while i < count {
            let end = Swift.min(count, i + 1024)
            var s = SIMD8<Float>(repeating: 0), q = SIMD8<Float>(repeating: 0)
            while i + 8 <= end {
                let v = rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) - vs
                s += v
                q += v * v
                i += 8
            }
            var ts: Float = 0, tq: Float = 0
            while i < end { let v = src[i] - shift; ts += v; tq += v * v; i += 1 }
            sum += Double(s.sum() + ts)
            squares += Double(q.sum() + tq)
        }
        return (sum + Double(shift) * Double(count), squares)
    }
}
