/// Element-wise arithmetic. Shapes must match exactly (no broadcasting); scalars broadcast.
extension Tensor {
    @inlinable
    func zipped(_ other: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        if count == 0 { return self }
        var out = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        out.withUnsafeMutableBufferPointer { o in
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    let op = op, po = UncheckedSendable(o.baseAddress!), pa = UncheckedSendable(a.baseAddress!), pb = UncheckedSendable(b.baseAddress!)
                    Parallel.chunks(count) { r in
                        var i = r.lowerBound
                        while i < r.upperBound { po.value[i] = op(pa.value[i], pb.value[i]); i &+= 1 }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Applies `op` to every element, returning a new tensor.
    @inlinable
    public func map(_ op: (Float) -> Float) -> Tensor {
        if count == 0 { return self }
        var out = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
        out.withUnsafeMutableBufferPointer { o in
            scalars.withUnsafeBufferPointer { a in
                let po = UncheckedSendable(o.baseAddress!), pa = UncheckedSendable(a.baseAddress!)
                Parallel.chunks(count) { r in
                    var i = r.lowerBound
                    while i < r.upperBound { po.value[i] = op(pa.value[i]); i &+= 1 }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Applies `op` to every element in place.
    @inlinable
    public mutating func apply(_ op: (Float) -> Float) {
        let n = count
        if n == 0 { return }
        scalars.withUnsafeMutableBufferPointer { a in
            let pa = UncheckedSendable(a.baseAddress!)
            Parallel.chunks(n) { r in
                var i = r.lowerBound
                while i < r.upperBound { pa.value[i] = op(pa.value[i]); i &+= 1 }
            }
        }
    }

    /// `self[i] = op(self[i], other[i])` in place.
    @inlinable
    public mutating func combine(with other: Tensor, _ op: (Float, Float) -> Float) {
        forEachChunk(pairedWith: other) { a, b, r in
            var i = r.lowerBound
            while i < r.upperBound { a[i] = op(a[i], b[i]); i &+= 1 }
        }
    }

    /// Calls `body(self, other, range)` over disjoint chunks of the elements, on all cores when
    /// the tensors are large (equal shapes; `self` is written in place).
    @inlinable
    mutating func forEachChunk(pairedWith other: Tensor,
                               _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Range<Int>) -> Void) {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        let n = count
        if n == 0 { return }
        scalars.withUnsafeMutableBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                let pa = UncheckedSendable(a.baseAddress!), pb = UncheckedSendable(b.baseAddress!)
                Parallel.chunks(n) { r in body(pa.value, pb.value, r) }
            }
        }
    }

    /// `self += alpha * x` (BLAS axpy semantics).
    public mutating func add(_ x: Tensor, scaledBy alpha: Float) {
        combineInPlace(x, .linear(1, alpha))
    }

    /// `alpha * a + beta * b`, element-wise.
    public static func linearCombination(_ alpha: Float, _ a: Tensor, _ beta: Float, _ b: Tensor) -> Tensor {
        a.combined(b, .linear(alpha, beta))
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.combined(b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.combined(b, .subtract) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.combined(b, .multiply) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.combined(b, .divide) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(1, s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(1, -s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(s, 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(1 / s, 0) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(1, s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(-1, s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(s, 0) }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(-1, 0) }

    public static func += (a: inout Tensor, b: Tensor) { a.combineInPlace(b, .add) }
    public static func -= (a: inout Tensor, b: Tensor) { a.combineInPlace(b, .subtract) }
    public static func *= (a: inout Tensor, b: Tensor) { a.combineInPlace(b, .multiply) }
    public static func += (a: inout Tensor, s: Float) { a.affineInPlace(1, s) }
    public static func *= (a: inout Tensor, s: Float) { a.affineInPlace(s, 0) }

    /// Elements clamped to `[lo, hi]`.
    public func clamped(_ lo: Float, _ hi: Float) -> Tensor { map { Swift.min(Swift.max($0, lo), hi) } }
    /// Element-wise square root.
    public func squareRoot() -> Tensor { map { $0.squareRoot() } }
    /// Element-wise absolute value.
    public func magnitude() -> Tensor { map { Swift.abs($0) } }
}
