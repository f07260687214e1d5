import CFFTW
import Foundation

/// The only file that calls `fftwf_*`. Plans are created once per (size, direction) under a lock
/// (FFTW's planner is not thread-safe) with `FFTW_UNALIGNED`, and executed with the new-array
/// interface, which is thread-safe.
enum FFTWPlans {
    enum Kind: Hashable { case c2c(forward: Bool), r2c, c2r }
    struct Key: Hashable { let h: Int, w: Int, kind: Kind }
    final class Plan: @unchecked Sendable { let p: fftwf_plan; init(_ p: fftwf_plan) { self.p = p } }

    nonisolated(unsafe) static var cache: [Key: Plan] = [:]
    static let lock = NSLock()

    static func plan(_ key: Key) -> fftwf_plan {
        lock.lock(); defer { lock.unlock() }
        if let p = cache[key] { return p.p }
        let n = key.h * key.w
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)
        let inBuf = fftwf_alloc_complex(n)!, outBuf = fftwf_alloc_complex(n)!
        defer { fftwf_free(inBuf); fftwf_free(outBuf) }
        let p: fftwf_plan
        switch key.kind {
        case let .c2c(forward):
            p = fftwf_plan_dft_2d(Int32(key.h), Int32(key.w), inBuf, outBuf, forward ? FFTW_FORWARD : FFTW_BACKWARD, flags)
        case .r2c:
            p = inBuf.withMemoryRebound(to: Float.self, capacity: 2 * n) { fftwf_plan_dft_r2c_2d(Int32(key.h), Int32(key.w), $0, outBuf, flags) }
        case .c2r:
            p = outBuf.withMemoryRebound(to: Float.self, capacity: 2 * n) { fftwf_plan_dft_c2r_2d(Int32(key.h), Int32(key.w), inBuf, $0, flags) }
        }
        cache[key] = Plan(p)
        return p
    }

    /// Unnormalised 2-D complex DFT of interleaved (re, im) data, `h × w`.
    static func c2c(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, h: Int, w: Int, forward: Bool) {
        let p = plan(Key(h: h, w: w, kind: .c2c(forward: forward)))
        input.withMemoryRebound(to: fftwf_complex.self, capacity: h * w) { i in
            output.withMemoryRebound(to: fftwf_complex.self, capacity: h * w) { o in
                fftwf_execute_dft(p, UnsafeMutablePointer(mutating: i), o)
            }
        }
    }

    /// Unnormalised real-to-complex 2-D DFT; output is `h × (w/2+1)` interleaved complex.
    static func r2c(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, h: Int, w: Int) {
        let p = plan(Key(h: h, w: w, kind: .r2c))
        output.withMemoryRebound(to: fftwf_complex.self, capacity: h * (w / 2 + 1)) { o in
            fftwf_execute_dft_r2c(p, UnsafeMutablePointer(mutating: input), o)
        }
    }

    /// Unnormalised complex-to-real 2-D DFT (input `h × (w/2+1)` is overwritten by FFTW).
    static func c2r(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, h: Int, w: Int) {
        let p = plan(Key(h: h, w: w, kind: .c2r))
        input.withMemoryRebound(to: fftwf_complex.self, capacity: h * (w / 2 + 1)) { i in
            fftwf_execute_dft_c2r(p, i, output)
        }
    }
}
