import Foundation

/// Wall-clock timing helpers shared by every benchmark area.
enum Timing {
    /// Seconds on a monotonic clock.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// The seconds one call of `body` takes.
    static func time(_ body: () -> Void) -> Double {
        let t0 = now()
        body()
        return now() - t0
    }

    /// The best (smallest) seconds over `repeats` calls of `body`, after `warmup` untimed calls.
    /// The best of several runs is the least disturbed by other processes on a shared machine.
    static func best(of repeats: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var best = Double.infinity
        for _ in 0..<max(repeats, 1) { best = min(best, time(body)) }
        return best
    }

    /// The best seconds of each of several bodies, run interleaved (a, b, a, b, …), so that the
    /// ratio between them is measured under the same machine load.
    static func bestInterleaved(of repeats: Int, warmup: Int = 1, _ bodies: [() -> Void]) -> [Double] {
        for _ in 0..<warmup { for b in bodies { b() } }
        var best = [Double](repeating: .infinity, count: bodies.count)
        for _ in 0..<max(repeats, 1) {
            for (i, b) in bodies.enumerated() { best[i] = min(best[i], time(b)) }
        }
        return best
    }
}

/// Keeps a computed value alive so the optimiser cannot drop the work that produced it.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// Aligned text output for benchmark results.
enum Report {
    /// A section title.
    static func section(_ title: String) { print("\n== \(title) ==") }

    /// One result line: a left-aligned label and its values.
    static func row(_ label: String, _ values: String...) {
        let padded = label.count < 40 ? label + String(repeating: " ", count: 40 - label.count) : label
        print("  " + padded + values.joined(separator: "  "))
    }

    /// `x` with `digits` decimals.
    static func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

    /// Milliseconds with three significant decimals.
    static func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1e3) }
}
