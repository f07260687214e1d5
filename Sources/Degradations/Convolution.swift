import TensorCore

/// A general (non-separable) 2-D blur with zero boundary on every channel of `[C, H, W]`:
/// `y[i, j] = Σ_{a,b} k[a, b]·x[i − a + (k_h − 1)/2, j − b + (k_w − 1)/2]` (same size as `x`).
///
/// Direct convolution over the kernel's nonzero taps (row axpys); the adjoint is the
/// correlation with the same taps. It has no matrix-free SVD; the pseudo-inverse is CGLS on
/// the normal equations to `tolerance`.
public struct Convolution: LinearOperator {
    public let name: String
    public let inputShape: [Int]
    /// The kernel `[k_h, k_w]`.
    public let kernel: Tensor
    /// The relative tolerance and iteration cap of the CG pseudo-inverse.
    public let tolerance: Double, maxIterations: Int
    let taps: [(di: Int, dj: Int, w: Float)]   // y[i, j] += w·x[i + di, j + dj]
    public var outputShape: [Int] { inputShape }

    /// A convolution with `kernel` `[k_h, k_w]` for images of `shape`.
    /// - Throws: `OperatorError.invalidParameter` when the kernel is larger than the image.
    public init(shape: [Int], kernel: Tensor, name: String = "blur", tolerance: Double = 1e-6, maxIterations: Int = 1000) throws {
        let (_, h, w) = try Validate.image(shape, for: name)
        guard kernel.rank == 2 else {
            throw OperatorError.shapeMismatch(what: "the blur kernel", got: kernel.shape, expected: "a 2-D kernel [kh, kw]")
        }
        let kh = kernel.shape[0], kw = kernel.shape[1]
        guard kh <= h && kw <= w else {
            throw OperatorError.invalidParameter(parameter: "size", value: "\(kw)x\(kh)",
                fits: "the kernel is larger than the \(w)x\(h) image; use at most \(Swift.min(h, w))")
        }
        self.name = name
        self.inputShape = shape
        self.kernel = kernel
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        var taps = [(di: Int, dj: Int, w: Float)]()
        for a in 0..<kh { for b in 0..<kw where kernel.scalars[a * kw + b] != 0 {
            taps.append(((kh - 1) / 2 - a, (kw - 1) / 2 - b, kernel.scalars[a * kw + b]))
        } }
        self.taps = taps
    }

    /// `dst[i, j] = Σ w·src[i + di, j + dj]` over the taps, zero outside.
    func accumulate(_ x: Tensor, flip: Bool) -> Tensor {
        let c = inputShape[0], h = inputShape[1], w = inputShape[2]
        var out = [Float](repeating: 0, count: c * h * w)
        let taps = self.taps
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                let s = UncheckedSendable(px.baseAddress!), d = UncheckedSendable(po.baseAddress!)
                Parallel.chunks(c * h, minChunk: Swift.max(1, Parallel.grain / Swift.max(1, w * taps.count))) { range in
                    for row in range {
                        let ch = row / h, i = row - ch &* h
                        let y = d.value + row &* w
                        for t in taps {
                            let di = flip ? -t.di : t.di, dj = flip ? -t.dj : t.dj
                            let si = i &+ di
                            if si < 0 || si >= h { continue }
                            let j0 = Swift.max(0, -dj), j1 = Swift.min(w, w - dj)
                            if j0 >= j1 { continue }
                            let src = s.value + ((ch &* h &+ si) &* w &+ dj)
                            let wt = t.w
                            for j in j0..<j1 { y[j] += wt * src[j] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, scalars: out)
    }

    public func apply(_ x: Tensor) -> Tensor { accumulate(x, flip: false) }
    public func adjoint(_ y: Tensor) -> Tensor { accumulate(y, flip: true) }

    /// The minimum-norm least-squares solution by CGLS.
    public func pseudoInverse(_ y: Tensor) -> Tensor {
        ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// The Tikhonov damping δ of `stablePseudoInverse`: 3·10⁻² of σ_max's bound Σ|k|, the soft
    /// counterpart of the separable blurs' (and upstream's) cut of singular values below 3·10⁻².
    public var stableDamping: Double { 3e-2 * taps.reduce(0.0) { $0 + Double(abs($1.w)) } }

    /// The damped CGLS solve (`stableDamping`): without it the exact A⁺ of a blur amplifies
    /// measurement noise by orders of magnitude (ΠGDM's guidance and the samplers' start).
    public func stablePseudoInverse(_ y: Tensor) -> Tensor {
        ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance,
                                       maxIterations: maxIterations, damping: stableDamping)
    }
}
