import TensorCore

/// Wall-clock seconds and floating-point operations per layer kind of the U-Net's passes,
/// collected while `LayerProfile.collect` runs its body (off otherwise: one nil check per layer).
///
/// Kinds are labels such as `conv3x3 32->32 @256x256`, `groupnorm`, `attention`, `resample`,
/// `concat`, `residual add`; `UNetModel` records its leaf operations under them. Profiles are
/// not thread-safe: collect around a pass that runs on the calling thread (the layers' own
/// parallel loops inside a recorded operation are fine).
public struct LayerProfile: Sendable {
    /// One layer kind's totals.
    public struct Entry: Sendable {
        public var seconds: Double = 0
        public var flops: Double = 0
        public var calls: Int = 0
        public init(seconds: Double = 0, flops: Double = 0, calls: Int = 0) {
            self.seconds = seconds
            self.flops = flops
            self.calls = calls
        }
    }

    /// Totals per kind.
    public private(set) var entries: [String: Entry] = [:]
    /// The wall-clock seconds of the whole body.
    public private(set) var totalSeconds: Double = 0

    nonisolated(unsafe) static var active: LayerProfile?

    /// Runs `body` and returns the profile of every U-Net operation it ran.
    /// - Precondition: no other profile is being collected.
    public static func collect(_ body: () -> Void) -> LayerProfile {
        precondition(active == nil, "LayerProfile.collect does not nest")
        active = LayerProfile()
        let t0 = Clock.seconds()
        body()
        var p = active!
        p.totalSeconds = Clock.seconds() - t0
        active = nil
        return p
    }

    /// Adds `other`'s totals to this profile's.
    public mutating func merge(_ other: LayerProfile) {
        for (k, e) in other.entries {
            entries[k, default: Entry()].seconds += e.seconds
            entries[k, default: Entry()].flops += e.flops
            entries[k, default: Entry()].calls += e.calls
        }
        totalSeconds += other.totalSeconds
    }

    /// Runs `body`, charging its time (and `flops`) to `kind` when a profile is being collected.
    @inline(__always)
    static func measure<T>(_ kind: @autoclosure () -> String, flops: @autoclosure () -> Double = 0, _ body: () -> T) -> T {
        guard active != nil else { return body() }
        let t0 = Clock.seconds()
        let y = body()
        let dt = Clock.seconds() - t0
        let k = kind()
        active!.entries[k, default: Entry()].seconds += dt
        active!.entries[k, default: Entry()].flops += flops()
        active!.entries[k, default: Entry()].calls += 1
        return y
    }

    /// The label of a convolution: kernel, channels and output size.
    static func convKind(_ c: Conv2D, height: Int, width: Int) -> String {
        let (oh, ow) = c.outputSize(height: height, width: width)
        let s = c.stride == 1 ? "" : " s\(c.stride)"
        return "conv\(c.kernelHeight)x\(c.kernelWidth)\(s) \(c.inChannels)->\(c.outChannels) @\(ow)x\(oh)"
    }

    /// A profiled convolution, with `residual` (if any) added to its output.
    @inline(__always)
    static func conv(_ c: Conv2D, _ x: Tensor, adding residual: Tensor? = nil) -> Tensor {
        measure(convKind(c, height: x.shape[2], width: x.shape[3]),
                flops: c.flops(height: x.shape[2], width: x.shape[3], items: x.shape[0])) { c(x, adding: residual) }
    }
}

/// A monotonic clock in seconds.
enum Clock {
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

#if canImport(Glibc)
import Glibc
#endif
