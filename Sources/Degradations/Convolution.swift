import TensorCore

/// A general (non-separable) 2-D blur with zero boundary on every channel of `[C, H, W]`:
/// `y[i, j] = Σ_{a,b} k[a, b]·x[i − a + (k_h − 1)/2, j − b + (k_w − 1)/2]` (same size as `x`).
///
/// Two paths compute this same linear map (`Method`): direct convolution over the kernel's
/// nonzero taps (row axpys), or a zero-padded real FFT (`Convolution+FFT.swift`); `.auto` takes
/// the one with the smaller operation count. The adjoint is the correlation with the same kernel
/// by the same path. It has no matrix-free SVD; the pseudo-inverse is CGLS on the normal
/// equations to `tolerance`.
public struct Convolution: LinearOperator {
    /// How the convolution is computed; both paths give the same map up to Float rounding.
    public enum Method: String, Sendable, CaseIterable {
        /// The cheaper of the two by operation count: `direct` when
        /// `taps·H·W ≤ 12·P·Q·log₂(P·Q)` for the FFT size `P × Q`, else `fft`.
        case auto
        /// Row axpys over the nonzero taps: O(taps·C·H·W).
        case direct
        /// Real FFTs of size `P × Q ≥ (H + ⌊k_h/2⌋) × (W + ⌊k_w/2⌋)` (7-smooth sizes):
        /// O(C·P·Q·log(P·Q)), independent of the number of taps.
        case fft
    }

    public let name: String
    public let inputShape: [Int]
    /// The kernel `[k_h, k_w]`.
    public let kernel: Tensor
    /// The relative tolerance and iteration cap of the CG pseudo-inverse.
    public let tolerance: Double, maxIterations: Int
    /// The path `apply` and `adjoint` take: `.direct` or `.fft` (`.auto` is resolved at init).
    public let method: Method
    let taps: [(di: Int, dj: Int, w: Float)]   // y[i, j] += w·x[i + di, j + dj] (direct path)
    let plan: FFTPlan?                          // the kernel's spectrum (FFT path)
    let absSum: Double                          // Σ|k|, the bound on σ_max
    public var outputShape: [Int] { inputShape }

    /// A convolution with `kernel` `[k_h, k_w]` for images of `shape`.
    /// - Parameters:
    ///   - method: the computation path; `.auto` picks by operation count.
    /// - Throws: `OperatorError.invalidParameter` when the kernel is larger than the image.
    public init(shape: [Int], kernel: Tensor, name: String = "blur", tolerance: Double = 1e-6, maxIterations: Int = 1000,
                method: Method = .auto) throws {
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
        let nonzero = kernel.scalars.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        self.absSum = kernel.scalars.reduce(0.0) { $0 + Double(abs($1)) }
        let resolved: Method
        switch method {
        case .auto: resolved = FFTPlan.isCheaper(taps: nonzero, h: h, w: w, kh: kh, kw: kw) ? .fft : .direct
        case .direct, .fft: resolved = method
        }
        self.method = resolved
        var taps = [(di: Int, dj: Int, w: Float)]()
        if resolved == .direct {
            taps.reserveCapacity(nonzero)
            for a in 0..<kh { for b in 0..<kw where kernel.scalars[a * kw + b] != 0 {
                taps.append(((kh - 1) / 2 - a, (kw - 1) / 2 - b, kernel.scalars[a * kw + b]))
            } }
        }
        self.taps = taps
        self.plan = resolved == .fft ? FFTPlan(kernel: kernel, h: h, w: w) : nil
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

    public func apply(_ x: Tensor) -> Tensor {
        if let plan { return plan.convolve(x, shape: inputShape, adjoint: false) }
        return accumulate(x, flip: false)
    }

    public func adjoint(_ y: Tensor) -> Tensor {
        if let plan { return plan.convolve(y, shape: inputShape, adjoint: true) }
        return accumulate(y, flip: true)
    }

    /// The minimum-norm least-squares solution by CGLS.
    public func pseudoInverse(_ y: Tensor) -> Tensor {
        ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// The Tikhonov damping δ of `stablePseudoInverse`: 3·10⁻² of σ_max's bound Σ|k|, the soft
    /// counterpart of the separable blurs' (and upstream's) cut of singular values below 3·10⁻².
    public var stableDamping: Double { 3e-2 * absSum }

    /// The damped CGLS solve (`stableDamping`): without it the exact A⁺ of a blur amplifies
    /// measurement noise by orders of magnitude (ΠGDM's guidance and the samplers' start).
    public func stablePseudoInverse(_ y: Tensor) -> Tensor {
        ConjugateGradient.leastSquares(y, apply: apply, adjoint: adjoint, tolerance: tolerance,
                                       maxIterations: maxIterations, damping: stableDamping)
    }
}
