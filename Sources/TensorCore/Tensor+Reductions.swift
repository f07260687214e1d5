/// Reductions, accumulated in Double for accuracy.
extension Tensor {
    /// The sum of all elements.
    public func sum() -> Float { Float(sumDouble()) }

    /// The sum of all elements in double precision.
    public func sumDouble() -> Double {
        withUnsafeBufferPointer { p in
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var i = 0
            let n = p.count
            while i &+ 4 <= n {
                s0 += Double(p[i]); s1 += Double(p[i &+ 1]); s2 += Double(p[i &+ 2]); s3 += Double(p[i &+ 3])
                i &+= 4
            }
            while i < n { s0 += Double(p[i]); i &+= 1 }
            return (s0 + s1) + (s2 + s3)
        }
    }

    /// The mean of all elements (0 for an empty tensor).
    public func mean() -> Float { count == 0 ? 0 : Float(sumDouble() / Double(count)) }

    /// The inner product ⟨self, other⟩ in double precision.
    public func dot(_ other: Tensor) -> Double {
        precondition(count == other.count, "dot of \(shape) and \(other.shape)")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var s0 = 0.0, s1 = 0.0
                var i = 0
                let n = a.count
                while i &+ 2 <= n {
                    s0 += Double(a[i] * b[i]); s1 += Double(a[i &+ 1] * b[i &+ 1])
                    i &+= 2
                }
                if i < n { s0 += Double(a[i] * b[i]) }
                return s0 + s1
            }
        }
    }

    /// ‖self‖² in double precision.
    public func squaredNorm() -> Double { dot(self) }
    /// ‖self‖₂.
    public func norm() -> Float { Float(squaredNorm().squareRoot()) }

    /// The smallest element (NaN-propagating is not guaranteed).
    public func min() -> Float { scalars.min() ?? 0 }
    /// The largest element.
    public func max() -> Float { scalars.max() ?? 0 }
    /// The largest absolute value.
    public func maxAbs() -> Float { scalars.reduce(0) { Swift.max($0, Swift.abs($1)) } }

    /// Sum over the first axis: `[N, ...]` → `[...]`.
    public func sumOverItems() -> Tensor {
        precondition(rank >= 1)
        var out = Tensor.zeros(Array(shape.dropFirst()))
        for i in 0..<shape[0] { out += item(i) }
        return out
    }
}
