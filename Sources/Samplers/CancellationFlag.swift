import Synchronization

/// A thread-safe flag that asks a running solve to stop at its next step (the REPL's Ctrl-C).
///
/// The solve then returns normally with the last finite estimate and a trace whose
/// `stopReason` is `.cancelled`.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}

    /// A flag that is already set: a solve given it stops before its first step.
    public static var cancelled: CancellationFlag {
        let f = CancellationFlag()
        f.cancel()
        return f
    }
    /// Requests cancellation (safe from any thread or a signal-watching task).
    public func cancel() { flag.store(true, ordering: .relaxed) }
    /// Clears the request (before the next command).
    public func reset() { flag.store(false, ordering: .relaxed) }
    /// Whether cancellation was requested.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
