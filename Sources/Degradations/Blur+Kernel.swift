import TensorCore

extension Blur {
    /// Blur with a given (for example measured) kernel `[kh, kw]`, usually from
    /// `BlurKernel.load(path:normalize:)`.
    ///
    /// The convention is the other blurs' (zero boundary, output of the input's size):
    /// `y[i, j] = Σ_{a,b} k[a, b]·x[i − a + (k_h − 1)/2, j − b + (k_w − 1)/2]`, so the kernel's
    /// centre tap is `((k_h − 1)/2, (k_w − 1)/2)` (0-based row, column); even sides are allowed and
    /// put the centre just above and left of the middle. Any size up to the image is accepted.
    ///
    /// The operator is a `Convolution` (no exact SVD: DDRM refuses it, CGLS inverts it; the stable
    /// inverse is damped like the motion blurs'). `method: .auto` takes the direct path for
    /// sparse or small kernels and the FFT path for dense large ones.
    /// - Parameters:
    ///   - shape: the image `[C, H, W]`.
    ///   - kernel: the taps, used as given (not renormalised).
    ///   - name: the operator's name, for example `"blur kernel psf.png"`; errors name it too.
    ///   - method: the computation path (both give the same map).
    /// - Throws: `OperatorError.file` (named `name`) for a kernel that fails
    ///   `BlurKernel.validated(_:normalize:source:)` without normalisation;
    ///   `OperatorError.invalidParameter` for a kernel larger than the image, giving the image size.
    public static func kernel(shape: [Int], kernel: Tensor, name: String, method: Convolution.Method = .auto) throws -> Convolution {
        let (_, h, w) = try Validate.image(shape, for: name)
        let k = try BlurKernel.validated(kernel, normalize: false, source: name)
        let kh = k.shape[0], kw = k.shape[1]
        guard kh <= h && kw <= w else {
            throw OperatorError.invalidParameter(parameter: "kernel", value: "\(kw)x\(kh)",
                fits: "'\(name)' is larger than the \(w)x\(h) image (width x height); use a kernel of at most \(w)x\(h) taps, "
                    + "or crop the kernel to its support")
        }
        return try Convolution(shape: shape, kernel: k, name: name, method: method)
    }
}
