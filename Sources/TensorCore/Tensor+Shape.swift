/// Reshaping, slicing, stacking and padding.
extension Tensor {
    /// The same elements under a new shape.
    /// - Precondition: the element counts agree.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Changes the shape in place; the element count must not change.
    public mutating func reshape(_ newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        shape = newShape
    }

    /// The number of elements of one item along the first axis.
    @inlinable public var itemCount: Int { shape.isEmpty ? 1 : count / Swift.max(shape[0], 1) }

    /// The `i`-th item along the first axis (for example one image of a batch).
    public func item(_ i: Int) -> Tensor {
        precondition(rank >= 1 && i >= 0 && i < shape[0], "item \(i) of shape \(shape)")
        let n = itemCount
        return Tensor(shape: Array(shape.dropFirst()), scalars: Array(scalars[i * n ..< (i + 1) * n]))
    }

    /// Items `range` along the first axis.
    public func items(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "items \(range) of shape \(shape)")
        let n = itemCount
        var s = shape
        s[0] = range.count
        return Tensor(shape: s, scalars: Array(scalars[range.lowerBound * n ..< range.upperBound * n]))
    }

    /// Replaces item `i` along the first axis.
    public mutating func setItem(_ i: Int, to value: Tensor) {
        let n = itemCount
        precondition(rank >= 1 && i >= 0 && i < shape[0], "setItem \(i) of shape \(shape)")
        precondition(value.count == n, "item of \(value.count) elements into shape \(shape)")
        if n == 0 { return }
        scalars.withUnsafeMutableBufferPointer { dst in
            value.scalars.withUnsafeBufferPointer { src in
                (dst.baseAddress! + i * n).update(from: src.baseAddress!, count: n)
            }
        }
    }

    /// Stacks tensors of one shape along a new first axis.
    public static func stacked(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "stacking no tensors")
        let s = parts[0].shape
        var out = [Float]()
        out.reserveCapacity(parts.count * parts[0].count)
        for p in parts {
            precondition(p.shape == s, "stacking shapes \(s) and \(p.shape)")
            out.append(contentsOf: p.scalars)
        }
        return Tensor(shape: [parts.count] + s, scalars: out)
    }

    /// Concatenates along the first axis.
    public static func concatenated(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatenating no tensors")
        let tail = Array(parts[0].shape.dropFirst())
        var n = 0
        var out = [Float]()
        for p in parts {
            precondition(Array(p.shape.dropFirst()) == tail, "concatenating \(parts[0].shape) and \(p.shape)")
            n += p.shape[0]
            out.append(contentsOf: p.scalars)
        }
        return Tensor(shape: [n] + tail, scalars: out)
    }

    /// Transpose of a matrix `[M, N]` → `[N, M]`.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, got \(shape)")
        let m = shape[0], n = shape[1]
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { b in
                for i in 0..<m { for j in 0..<n { b[j &* m &+ i] = a[i &* n &+ j] } }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }

    /// Image geometry of a `[C, H, W]` or `[N, C, H, W]` tensor: (channels, height, width).
    public var imageGeometry: (channels: Int, height: Int, width: Int) {
        precondition(rank >= 3, "not an image: shape \(shape)")
        return (shape[rank - 3], shape[rank - 2], shape[rank - 1])
    }

    /// Crops every plane of a `[..., H, W]` tensor to `height × width` starting at (`top`, `left`).
    public func cropped(top: Int, left: Int, height: Int, width: Int) -> Tensor {
        precondition(rank >= 2)
        let h = shape[rank - 2], w = shape[rank - 1]
        precondition(top >= 0 && left >= 0 && top + height <= h && left + width <= w && height > 0 && width > 0,
                     "crop \(height)x\(width) at (\(top), \(left)) outside \(h)x\(w)")
        let planes = count / (h * w)
        var out = [Float](repeating: 0, count: planes * height * width)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<planes {
                    for r in 0..<height {
                        let s = src.baseAddress! + p * h * w + (top + r) * w + left
                        (dst.baseAddress! + (p * height + r) * width).update(from: s, count: width)
                    }
                }
            }
        }
        var s = shape
        s[rank - 2] = height
        s[rank - 1] = width
        return Tensor(shape: s, scalars: out)
    }

    /// Zero-pads every plane of a `[..., H, W]` tensor by the given margins.
    public func padded(top: Int, bottom: Int, left: Int, right: Int, value: Float = 0) -> Tensor {
        precondition(rank >= 2 && top >= 0 && bottom >= 0 && left >= 0 && right >= 0)
        let h = shape[rank - 2], w = shape[rank - 1]
        let H = h + top + bottom, W = w + left + right
        let planes = count / Swift.max(h * w, 1)
        var out = [Float](repeating: value, count: planes * H * W)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<planes {
                    for r in 0..<h {
                        (dst.baseAddress! + p * H * W + (r + top) * W + left)
                            .update(from: src.baseAddress! + (p * h + r) * w, count: w)
                    }
                }
            }
        }
        var s = shape
        s[rank - 2] = H
        s[rank - 1] = W
        return Tensor(shape: s, scalars: out)
    }
}
