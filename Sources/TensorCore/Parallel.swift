import Dispatch

/// Splits work across the machine's cores.
public enum Parallel {
    /// Cores used for large element-wise work (at least 1). Set from the language's `set threads=N`.
    nonisolated(unsafe) public static var threads: Int = Swift.max(1, ProcessInfo_activeCores())

    /// Below this many elements, element-wise loops run on one core.
    public static let grain = 1 << 16

    /// Calls `body(range)` over disjoint chunks covering `0..<count`, concurrently when `count`
    /// is large enough to pay for the dispatch.
    /// - Parameters:
    ///   - count: the number of elements.
    ///   - minChunk: the smallest chunk worth a thread.
    @inlinable
    public static func chunks(_ count: Int, minChunk: Int = grain, _ body: (Range<Int>) -> Void) {
        let t = Swift.min(threads, count / Swift.max(minChunk, 1))
        if t <= 1 { body(0..<count); return }
        let pieces = t * 2
        withoutActuallyEscaping(body) { b in
            let box = UncheckedSendable(b)
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                let lo = count * k / pieces, hi = count * (k + 1) / pieces
                box.value(lo..<hi)
            }
        }
    }

    /// Calls `body(i)` for every `i` in `0..<n`, concurrently when `threads > 1`.
    @inlinable
    public static func forEach(_ n: Int, _ body: (Int) -> Void) {
        if threads <= 1 || n <= 1 { for i in 0..<n { body(i) }; return }
        withoutActuallyEscaping(body) { b in
            let box = UncheckedSendable(b)
            DispatchQueue.concurrentPerform(iterations: n) { i in box.value(i) }
        }
    }
}

/// Wraps a value that is shared across threads by construction (disjoint writes).
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    @inlinable public init(_ value: T) { self.value = value }
}

@usableFromInline func ProcessInfo_activeCores() -> Int {
    #if canImport(Glibc)
    return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
    return 2
    #endif
}
#if canImport(Glibc)
import Glibc
#endif
