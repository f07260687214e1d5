import Foundation

extension Tensor {
    /// The VJP of `silu()` at `self` for the cotangent `dy`: dy·σ(x)(1 + x(1 − σ(x))).
    public func siluGradient(_ dy: Tensor) -> Tensor {
        var out = dy
        out.combine(with: self) { g, x in let s = 1 / (1 + Foundation.exp(-x)); return g * s * (1 + x * (1 - s)) }
        return out
    }

    /// The VJP of `upsampledNearest2x()` for the cotangent `self` (`[N, C, 2H, 2W]`): each 2×2 block summed.
    public func upsampledNearest2xGradient() -> Tensor {
        var s = averagePooled2x()
        s *= 4
        return s
    }

    /// The VJP of `averagePooled2x()` on an input of `height × width` for the cotangent `self`:
    /// each value spread as a quarter over its 2×2 block (a dropped odd row or column gets 0).
    public func averagePooled2xGradient(height: Int, width: Int) -> Tensor {
        precondition(rank == 4 && shape[2] == height / 2 && shape[3] == width / 2, "pooling cotangent \(shape) for \(height)x\(width)")
        var up = upsampledNearest2x()
        up *= 0.25
        if height % 2 == 0 && width % 2 == 0 { return up }
        return up.padded(top: 0, bottom: height % 2, left: 0, right: width % 2)
    }

    /// Splits channels `[N, Ca + Cb, …]` into `[N, Ca, …]` and `[N, Cb, …]` (the VJP of `concatenatedChannels`).
    public func splitChannels(_ first: Int) -> (Tensor, Tensor) {
        precondition(rank >= 2 && first >= 0 && first <= shape[1], "splitting \(shape) after \(first) channels")
        let n = shape[0], per = count / Swift.max(n, 1), a = per / Swift.max(shape[1], 1) * first, b = per - a
        var x = [Float](repeating: 0, count: n * a), y = [Float](repeating: 0, count: n * b)
        withUnsafeBufferPointer { p in
            for i in 0..<n {
                for j in 0..<a { x[i * a + j] = p[i * per + j] }
                for j in 0..<b { y[i * b + j] = p[i * per + a + j] }
            }
        }
        var sa = shape, sb = shape
        sa[1] = first
        sb[1] = shape[1] - first
        return (Tensor(shape: sa, scalars: x), Tensor(shape: sb, scalars: y))
    }
}
