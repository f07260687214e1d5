/// Area (box-filter) resizing and validated cropping of images.
extension Tensor {
    /// Every `H × W` plane of `[..., H, W]` resized to `height × width` by area averaging.
    ///
    /// Output pixel (i, j) is the mean of the input over the rectangle it covers,
    /// `[i·H/height, (i+1)·H/height) × [j·W/width, (j+1)·W/width)`, with partially covered input
    /// pixels weighted by their covered fraction (OpenCV's `INTER_AREA` when shrinking). An
    /// integer factor gives the block mean; the image mean is preserved.
    /// - Precondition: `height` and `width` are positive (validate user input with `Image.resized`).
    public func areaResized(height: Int, width: Int) -> Tensor {
        precondition(rank >= 2 && height > 0 && width > 0, "areaResized to \(height)x\(width) of \(shape)")
        let h = shape[rank - 2], w = shape[rank - 1]
        let planes = count / Swift.max(h * w, 1)
        let rowsW = AreaWeights(from: h, to: height), colsW = AreaWeights(from: w, to: width)
        var out = [Float](repeating: 0, count: planes * height * width)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedSendable(src.baseAddress!), d = UncheckedSendable(dst.baseAddress!)
                Parallel.forEach(planes) { p in
                    var tmp = [Float](repeating: 0, count: h * width)
                    tmp.withUnsafeMutableBufferPointer { t in
                        // Horizontal pass: h rows of w → h rows of width.
                        for r in 0..<h {
                            let row = s.value + (p * h + r) * w, trow = t.baseAddress! + r * width
                            for j in 0..<width {
                                var acc: Float = 0
                                let first = colsW.first[j]
                                for (k, wt) in colsW.weights[j].enumerated() { acc += wt * row[first &+ k] }
                                trow[j] = acc
                            }
                        }
                        // Vertical pass: rows combined with their weights.
                        for i in 0..<height {
                            let orow = d.value + (p * height + i) * width
                            let first = rowsW.first[i]
                            for (k, wt) in rowsW.weights[i].enumerated() {
                                let trow = t.baseAddress! + (first + k) * width
                                var j = 0
                                while j < width { orow[j] += wt * trow[j]; j &+= 1 }
                            }
                        }
                    }
                }
            }
        }
        var s = shape
        s[rank - 2] = height
        s[rank - 1] = width
        return Tensor(shape: s, scalars: out)
    }

    /// The central `height × width` crop of every plane of `[..., H, W]`.
    public func centerCropped(height: Int, width: Int) -> Tensor {
        let h = shape[rank - 2], w = shape[rank - 1]
        return cropped(top: (h - height) / 2, left: (w - width) / 2, height: height, width: width)
    }
}

/// The weights of a one-dimensional area resize from `n` to `m` samples.
struct AreaWeights {
    /// The first input index each output reads.
    var first: [Int] = []
    /// The weights of consecutive inputs from `first` (they sum to 1).
    var weights: [[Float]] = []

    init(from n: Int, to m: Int) {
        let scale = Double(n) / Double(m)
        for o in 0..<m {
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            let i0 = Int(lo.rounded(.down)), i1 = Swift.min(Int(hi.rounded(.up)), n)
            var ws: [Float] = []
            for i in i0..<Swift.max(i1, i0 + 1) {
                let overlap = Swift.min(hi, Double(i + 1)) - Swift.max(lo, Double(i))
                ws.append(Float(Swift.max(overlap, 0) / scale))
            }
            first.append(i0)
            weights.append(ws)
        }
    }
}

extension Image {
    /// `image` (`[..., H, W]`) area-resized to `width × height`; see `Tensor.areaResized`.
    /// - Throws: `TensorError.invalid` when a side is not in 1...`maxSide`.
    public static func resized(_ image: Tensor, width: Int, height: Int) throws -> Tensor {
        guard image.rank >= 2 else { throw TensorError.invalid("cannot resize a tensor of shape \(image.shape): not an image") }
        guard (1...maxSide).contains(width), (1...maxSide).contains(height) else {
            throw TensorError.invalid("resize to \(width)×\(height): each side must be 1 to \(maxSide) pixels")
        }
        return image.areaResized(height: height, width: width)
    }

    /// The `width × height` crop of `image` (`[..., H, W]`) whose top-left pixel is (`left`, `top`).
    /// - Throws: `TensorError.invalid` when the crop is empty or reaches outside the image.
    public static func cropped(_ image: Tensor, left: Int, top: Int, width: Int, height: Int) throws -> Tensor {
        guard image.rank >= 2 else { throw TensorError.invalid("cannot crop a tensor of shape \(image.shape): not an image") }
        let h = image.shape[image.rank - 2], w = image.shape[image.rank - 1]
        guard width > 0, height > 0, left >= 0, top >= 0, left + width <= w, top + height <= h else {
            throw TensorError.invalid("a \(width)×\(height) crop at (column \(left), row \(top)) does not fit inside the \(w)×\(h) image")
        }
        return image.cropped(top: top, left: left, height: height, width: width)
    }
}
