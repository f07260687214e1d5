import TensorCore

/// Reflect padding of image batches up to a size multiple, the crop back, and their adjoints
/// (the linear maps `ShapeAdaptedPrior` wraps around a prior).
///
/// The padding of each side is split over both ends, the smaller half first: an image of height
/// h padded to the next multiple H of m gets ⌊(H − h)/2⌋ rows on top and the rest at the bottom
/// (likewise left/right). Padded coordinates outside the image are mirrored about the edge pixels
/// without repeating them (numpy's `reflect`: … c b | a b c … x y z | y x …), repeatedly when the
/// padding is larger than the image (a triangle wave of period 2(n − 1); a side of one pixel
/// repeats it).
///
/// Channels: each of the item's channels feeds `replication` consecutive channels of the padded
/// image (3 for a gray image seen as RGB); the crop averages them back.
struct ReflectPadding: Equatable {
    /// The item's sides.
    let height: Int, width: Int
    /// Rows added above and below, columns left and right.
    let top: Int, bottom: Int, left: Int, right: Int
    /// Padded channels per item channel.
    let replication: Int

    /// The padding of an `height × width` image up to multiples of `multiple`.
    init(height: Int, width: Int, multiple: Int, replication: Int = 1) {
        precondition(height >= 1 && width >= 1 && multiple >= 1 && replication >= 1, "reflect padding needs positive sides, multiple and replication")
        self.height = height
        self.width = width
        let ph = (multiple - height % multiple) % multiple, pw = (multiple - width % multiple) % multiple
        top = ph / 2; bottom = ph - ph / 2
        left = pw / 2; right = pw - pw / 2
        self.replication = replication
    }

    var paddedHeight: Int { height + top + bottom }
    var paddedWidth: Int { width + left + right }
    /// True when the map is the identity.
    var isIdentity: Bool { top == 0 && bottom == 0 && left == 0 && right == 0 && replication == 1 }

    /// The source index in `0..<n` of padded coordinate `i − before` (numpy `reflect`, repeated).
    static func reflect(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var m = i % period
        if m < 0 { m += period }
        return m < n ? m : period - m
    }

    /// Source row of every padded row, source column of every padded column.
    var rowMap: [Int] { (0..<paddedHeight).map { Self.reflect($0 - top, height) } }
    var columnMap: [Int] { (0..<paddedWidth).map { Self.reflect($0 - left, width) } }

    /// `[N, C, h, w]` → `[N, C·replication, H, W]`, reflect-padded.
    func padded(_ x: Tensor) -> Tensor {
        let (n, c) = check(x, height, width, replicated: false)
        let ph = paddedHeight, pw = paddedWidth, rows = rowMap, cols = columnMap, k = replication
        var out = [Float](repeating: 0, count: n * c * k * ph * pw)
        x.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for plane in 0..<(n * c * k) {
                let s = src.baseAddress! + (plane / k) * height * width, d = dst.baseAddress! + plane * ph * pw
                for i in 0..<ph {
                    let sr = s + rows[i] * width, dr = d + i * pw
                    for j in 0..<pw { dr[j] = sr[cols[j]] }
                }
            }
        } }
        return Tensor(shape: [n, c * k, ph, pw], scalars: out)
    }

    /// The adjoint of `padded`: every padded pixel's value is added back onto the pixel it was
    /// copied from (reflected margins fold onto the interior; replicated channels are summed).
    func folded(_ g: Tensor) -> Tensor {
        let (n, ck) = check(g, paddedHeight, paddedWidth, replicated: true)
        let ph = paddedHeight, pw = paddedWidth, rows = rowMap, cols = columnMap, k = replication
        var out = [Float](repeating: 0, count: n * (ck / k) * height * width)
        g.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for plane in 0..<(n * ck) {
                let s = src.baseAddress! + plane * ph * pw, d = dst.baseAddress! + (plane / k) * height * width
                for i in 0..<ph {
                    let sr = s + i * pw, dr = d + rows[i] * width
                    for j in 0..<pw { dr[cols[j]] += sr[j] }
                }
            }
        } }
        return Tensor(shape: [n, ck / k, height, width], scalars: out)
    }

    /// `[N, C·replication, H, W]` → `[N, C, h, w]`: the interior, each group of replicated
    /// channels averaged.
    func cropped(_ y: Tensor) -> Tensor {
        let (n, ck) = check(y, paddedHeight, paddedWidth, replicated: true)
        let ph = paddedHeight, pw = paddedWidth, k = replication, scale = 1 / Float(k)
        var out = [Float](repeating: 0, count: n * (ck / k) * height * width)
        y.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for plane in 0..<(n * ck) {
                let s = src.baseAddress! + plane * ph * pw + top * pw + left, d = dst.baseAddress! + (plane / k) * height * width
                for i in 0..<height {
                    let sr = s + i * pw, dr = d + i * width
                    if k == 1 { dr.update(from: sr, count: width) } else { for j in 0..<width { dr[j] += scale * sr[j] } }
                }
            }
        } }
        return Tensor(shape: [n, ck / k, height, width], scalars: out)
    }

    /// The adjoint of `cropped`: v/replication in every replicated channel of the interior,
    /// zero in the margins.
    func uncropped(_ v: Tensor) -> Tensor {
        let (n, c) = check(v, height, width, replicated: false)
        let ph = paddedHeight, pw = paddedWidth, k = replication, scale = 1 / Float(k)
        var out = [Float](repeating: 0, count: n * c * k * ph * pw)
        v.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            for plane in 0..<(n * c * k) {
                let s = src.baseAddress! + (plane / k) * height * width, d = dst.baseAddress! + plane * ph * pw + top * pw + left
                for i in 0..<height {
                    let sr = s + i * width, dr = d + i * pw
                    if k == 1 { dr.update(from: sr, count: width) } else { for j in 0..<width { dr[j] = scale * sr[j] } }
                }
            }
        } }
        return Tensor(shape: [n, c * k, ph, pw], scalars: out)
    }

    /// (N, C) of a batch `[N, C, rows, cols]`, checked.
    private func check(_ x: Tensor, _ rows: Int, _ cols: Int, replicated: Bool) -> (Int, Int) {
        precondition(x.rank == 4 && x.shape[2] == rows && x.shape[3] == cols && (!replicated || x.shape[1] % replication == 0),
                     "reflect padding of \(width)x\(height) to \(paddedWidth)x\(paddedHeight) got shape \(x.shape)")
        return (x.shape[0], x.shape[1])
    }
}
