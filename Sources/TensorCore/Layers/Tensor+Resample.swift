extension Tensor {
    /// Nearest-neighbour 2× upsampling of `[N, C, H, W]` to `[N, C, 2H, 2W]` (PyTorch
    /// `interpolate(scale_factor=2, mode="nearest")`): out[y, x] = in[⌊y/2⌋, ⌊x/2⌋].
    public func upsampledNearest2x() -> Tensor {
        precondition(rank == 4, "upsampledNearest2x expects [N, C, H, W], got \(shape)")
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        let out = [Float](unsafeUninitializedCapacity: count * 4) { o, initialized in   // every element written below
            withUnsafeBufferPointer { xp in
                let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                Parallel.chunks(planes, minChunk: Swift.max(1, Parallel.grain / Swift.max(1, h * w))) { r in
                    for p in r {
                        let src = px.value + p * h * w, dst = po.value + p * 4 * h * w
                        for y in 0..<h {
                            let row = dst + 2 * y * 2 * w, s = src + y * w
                            for x in 0..<w { (row + 2 * x).initialize(repeating: s[x], count: 2) }
                            (row + 2 * w).initialize(from: row, count: 2 * w)
                        }
                    }
                }
            }
            initialized = count * 4
        }
        return Tensor(shape: [shape[0], shape[1], 2 * h, 2 * w], scalars: out)
    }

    /// 2×2 average pooling with stride 2 of `[N, C, H, W]` to `[N, C, ⌊H/2⌋, ⌊W/2⌋]` (PyTorch
    /// `avg_pool2d(kernel_size=2, stride=2)`; an odd last row or column is dropped).
    public func averagePooled2x() -> Tensor {
        precondition(rank == 4, "averagePooled2x expects [N, C, H, W], got \(shape)")
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3], oh = h / 2, ow = w / 2
        let out = [Float](unsafeUninitializedCapacity: planes * oh * ow) { o, initialized in   // every element written below
            withUnsafeBufferPointer { xp in
                let po = UncheckedSendable(o.baseAddress!), px = UncheckedSendable(xp.baseAddress!)
                Parallel.chunks(planes, minChunk: Swift.max(1, Parallel.grain / Swift.max(1, h * w))) { r in
                    for p in r {
                        let src = px.value + p * h * w, dst = po.value + p * oh * ow
                        for y in 0..<oh {
                            let a = src + 2 * y * w, b = a + w, d = dst + y * ow
                            for x in 0..<ow { (d + x).initialize(to: 0.25 * ((a[2 * x] + a[2 * x + 1]) + (b[2 * x] + b[2 * x + 1]))) }
                        }
                    }
                }
            }
            initialized = planes * oh * ow
        }
        return Tensor(shape: [shape[0], shape[1], oh, ow], scalars: out)
    }

    /// Concatenation along the channel axis (axis 1) of `[N, Ca, …]` and `[N, Cb, …]` with equal
    /// other extents, giving `[N, Ca + Cb, …]` (`self` first).
    public func concatenatedChannels(_ other: Tensor) -> Tensor {
        precondition(rank >= 2 && other.rank == rank && shape[0] == other.shape[0] && shape.dropFirst(2) == other.shape.dropFirst(2),
                     "concatenating channels of \(shape) and \(other.shape)")
        let n = shape[0], a = count / Swift.max(n, 1), b = other.count / Swift.max(n, 1)
        let out = [Float](unsafeUninitializedCapacity: count + other.count) { o, initialized in
            withUnsafeBufferPointer { pa in
                other.withUnsafeBufferPointer { pb in
                    // pieces of at most 64 Ki floats, copied on all cores
                    let piece = 1 << 16, pa = UncheckedSendable(pa.baseAddress!), pb = UncheckedSendable(pb.baseAddress!)
                    let po = UncheckedSendable(o.baseAddress!)
                    let perA = (a + piece - 1) / piece, perB = (b + piece - 1) / piece, per = perA + perB
                    Parallel.chunks(n * per, minChunk: 2) { r in
                        for job in r {
                            let i = job / per, k = job % per
                            if k < perA {
                                let lo = k * piece, len = Swift.min(piece, a - lo)
                                (po.value + i * (a + b) + lo).initialize(from: pa.value + i * a + lo, count: len)
                            } else {
                                let lo = (k - perA) * piece, len = Swift.min(piece, b - lo)
                                (po.value + i * (a + b) + a + lo).initialize(from: pb.value + i * b + lo, count: len)
                            }
                        }
                    }
                }
            }
            initialized = count + other.count
        }
        var s = shape
        s[1] += other.shape[1]
        return Tensor(shape: s, scalars: out)
    }
}
