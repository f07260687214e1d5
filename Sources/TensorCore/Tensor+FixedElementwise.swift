/// Element-wise arithmetic with a fixed operation: the loops that `+`, `-`, `*`, `/`, `add(_:scaledBy:)`
/// and `linearCombination` run on all cores.
///
/// The closure-taking `map`, `apply`, `zipped` and `combine` inline their closure into the loop
/// only on one core; handed to the thread pool, the closure is called once per element, and two
/// cores then run slower than one. These operations name their arithmetic instead (`Binary`,
/// or the affine map a·x + b), so each core's loop is plain arithmetic the compiler vectorises.
extension Tensor {
    /// The arithmetic of a pairwise operation.
    @usableFromInline enum Binary: Sendable {
        case add, subtract, multiply, divide
        /// α·lhs + β·rhs.
        case linear(Float, Float)

        /// out[i] = lhs[i] ∘ rhs[i] for i in `r` (`out` may be `lhs`).
        @inline(__always)
        func run(_ out: UnsafeMutablePointer<Float>, _ lhs: UnsafePointer<Float>, _ rhs: UnsafePointer<Float>, _ r: Range<Int>) {
            switch self {
            case .add: for i in r { out[i] = lhs[i] + rhs[i] }
            case .subtract: for i in r { out[i] = lhs[i] - rhs[i] }
            case .multiply: for i in r { out[i] = lhs[i] * rhs[i] }
            case .divide: for i in r { out[i] = lhs[i] / rhs[i] }
            case let .linear(alpha, beta): for i in r { out[i] = alpha * lhs[i] + beta * rhs[i] }
            }
        }
    }

    /// `op` applied pairwise to `self` and `other` (equal shapes), into a new tensor.
    @usableFromInline
    func combined(_ other: Tensor, _ op: Binary) -> Tensor {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { o, initialized in
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    if n > 0 {
                        let po = UncheckedSendable(o.baseAddress!), pa = UncheckedSendable(a.baseAddress!)
                        let pb = UncheckedSendable(b.baseAddress!)
                        Parallel.chunks(n) { r in op.run(po.value, pa.value, pb.value, r) }
                    }
                }
            }
            initialized = n
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// `self[i] = self[i] ∘ other[i]` in place (equal shapes).
    @usableFromInline
    mutating func combineInPlace(_ other: Tensor, _ op: Binary) {
        forEachChunk(pairedWith: other) { a, b, r in op.run(a, a, b, r) }
    }

    /// a·x + b for every element x, into a new tensor.
    @usableFromInline
    func affine(_ a: Float, _ b: Float) -> Tensor {
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { o, initialized in
            scalars.withUnsafeBufferPointer { x in
                if n > 0 {
                    let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(x.baseAddress!)
                    Parallel.chunks(n) { r in for i in r { po.value[i] = a * px.value[i] + b } }
                }
            }
            initialized = n
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// x ← a·x + b for every element, in place.
    @usableFromInline
    mutating func affineInPlace(_ a: Float, _ b: Float) {
        let n = count
        if n == 0 { return }
        scalars.withUnsafeMutableBufferPointer { x in
            let px = UncheckedSendable(x.baseAddress!)
            Parallel.chunks(n) { r in for i in r { px.value[i] = a * px.value[i] + b } }
        }
    }
}
