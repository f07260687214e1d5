import TensorCore

/// Fourier phase retrieval: `y = |F_c(pad(x))|` per channel, with the centred orthonormal 2-D
/// FFT `F_c` (spectrum shifted so the zero frequency sits in the middle) of the zero-padded image.
///
/// Oversampling `s` pads `round(n·(s − 1)/4)` pixels on each side of an axis of length `n`, as
/// in the reference code: `s = 2` pads 64 px per side of a 256² image (×1.5 per axis).
/// Nonlinear; the VJP is exact: `v ↦ crop(Re F⁻¹(ifftshift(v) ⊙ Z/|Z|))` with `Z = F pad(x)`
/// (0 where `Z = 0`). The pseudo-inverse is only an initialisation (zero-phase inverse).
public struct PhaseRetrieval: ForwardOperator {
    public let inputShape: [Int]
    public let oversample: Double
    /// Padding per side along H and W.
    public let padH: Int, padW: Int
    public var isLinear: Bool { false }
    public var name: String { "phase oversample=\(oversample)" }
    public var outputShape: [Int] { [inputShape[0], inputShape[1] + 2 * padH, inputShape[2] + 2 * padW] }

    /// - Throws: `OperatorError.invalidParameter` for an oversampling factor outside [1, 8].
    public init(shape: [Int], oversample: Double = 2) throws {
        let (_, h, w) = try Validate.image(shape, for: "phase")
        try Validate.range(oversample, "oversample", 1, 8, "use an oversampling factor in [1, 8], for example 2")
        inputShape = shape
        self.oversample = oversample
        padH = Int((Double(h) * (oversample - 1) / 4).rounded())
        padW = Int((Double(w) * (oversample - 1) / 4).rounded())
    }

    /// `F pad(x)` as complex `[C, H', W', 2]` (unshifted, orthonormal).
    func spectrum(_ x: Tensor) -> Tensor {
        let p = x.padded(top: padH, bottom: padH, left: padW, right: padW)
        var z = [Float](repeating: 0, count: 2 * p.count)
        for i in 0..<p.count { z[2 * i] = p.scalars[i] }
        return FFT.complex2D(Tensor(shape: p.shape + [2], scalars: z), orthonormal: true)
    }

    public func apply(_ x: Tensor) -> Tensor {
        let z = spectrum(x)
        var m = [Float](repeating: 0, count: z.count / 2)
        for i in 0..<m.count {
            let re = z.scalars[2 * i], im = z.scalars[2 * i + 1]
            m[i] = (re * re + im * im).squareRoot()
        }
        return FFT.shifted(Tensor(shape: outputShape, scalars: m), complex: false)
    }

    public func vjp(at x: Tensor, _ v: Tensor) -> Tensor {
        let z = spectrum(x)
        let u = FFT.shifted(v, complex: false, inverse: true)
        var g = [Float](repeating: 0, count: z.count)
        for i in 0..<u.count {
            let re = z.scalars[2 * i], im = z.scalars[2 * i + 1]
            let mag = (re * re + im * im).squareRoot()
            if mag > 0 { g[2 * i] = u.scalars[i] * re / mag; g[2 * i + 1] = u.scalars[i] * im / mag }
        }
        let back = FFT.complex2D(Tensor(shape: z.shape, scalars: g), inverse: true, orthonormal: true)
        let real = Tensor(shape: outputShape, scalars: stride(from: 0, to: back.count, by: 2).map { back.scalars[$0] })
        return real.cropped(top: padH, left: padW, height: inputShape[1], width: inputShape[2])
    }

    /// A zero-phase inverse `crop(Re F⁻¹(ifftshift(y)))`, for initialisation only.
    public func pseudoInverse(_ y: Tensor) -> Tensor {
        let u = FFT.shifted(y, complex: false, inverse: true)
        var z = [Float](repeating: 0, count: 2 * u.count)
        for i in 0..<u.count { z[2 * i] = u.scalars[i] }
        let back = FFT.complex2D(Tensor(shape: u.shape + [2], scalars: z), inverse: true, orthonormal: true)
        let real = Tensor(shape: outputShape, scalars: stride(from: 0, to: back.count, by: 2).map { back.scalars[$0] })
        return real.cropped(top: padH, left: padW, height: inputShape[1], width: inputShape[2])
    }
}
