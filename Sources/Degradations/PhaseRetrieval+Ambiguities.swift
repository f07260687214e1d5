import TensorCore

extension PhaseRetrieval {
    /// The trivial ambiguities of Fourier magnitudes, one channel at a time.
    public enum Ambiguity: String, Sendable, CaseIterable {
        /// x itself.
        case identity
        /// −x: F(−p) = −F(p).
        case negated
        /// The point reflection x[H−1−i, W−1−j]: the padding is symmetric, so pad(x) is reflected
        /// too, and the reflection of a real sequence has the conjugate spectrum times a phase ramp.
        case reflected
        /// −x reflected.
        case negatedReflected

        /// One channel (row-major, `[H, W]`) transformed: reversing the flat order of a
        /// row-major plane is its point reflection.
        func apply(_ plane: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
            let sign: Float
            let reflect: Bool
            switch self {
            case .identity: sign = 1; reflect = false
            case .negated: sign = -1; reflect = false
            case .reflected: sign = 1; reflect = true
            case .negatedReflected: sign = -1; reflect = true
            }
            let n = plane.count
            for k in 0..<n { out[k] = sign * plane[reflect ? n - 1 - k : k] }
        }
    }

    /// `estimate` with each channel replaced by the variant among `Ambiguity.allCases` closest to
    /// the same channel of `reference` (least squared error), and the choices made. Every variant
    /// has the same y, so a phase-retrieval solution is only defined up to them: the evaluation
    /// scores a solve after this alignment (and reports the unaligned score beside it). Colour
    /// channels are measured separately, so each may take its own variant.
    public func aligned(_ estimate: Tensor, to reference: Tensor) -> (aligned: Tensor, choices: [Ambiguity]) {
        precondition(estimate.shape == inputShape && reference.shape == inputShape, "aligned: shapes \(estimate.shape), \(reference.shape) against \(inputShape)")
        let c = inputShape[0], n = inputShape[1] * inputShape[2]
        var out = [Float](repeating: 0, count: estimate.count)
        var candidate = [Float](repeating: 0, count: n)
        var choices: [Ambiguity] = []
        estimate.scalars.withUnsafeBufferPointer { e in
            reference.scalars.withUnsafeBufferPointer { r in
                for ch in 0..<c {
                    let plane = UnsafeBufferPointer(rebasing: e[(ch * n)..<((ch + 1) * n)])
                    var best = Double.infinity, choice = Ambiguity.identity
                    for a in Ambiguity.allCases {
                        candidate.withUnsafeMutableBufferPointer { a.apply(plane, into: $0) }
                        var sse = 0.0
                        for k in 0..<n { let d = Double(candidate[k] - r[ch * n + k]); sse += d * d }
                        if sse < best { best = sse; choice = a }
                    }
                    out.withUnsafeMutableBufferPointer { o in
                        choice.apply(plane, into: UnsafeMutableBufferPointer(rebasing: o[(ch * n)..<((ch + 1) * n)]))
                    }
                    choices.append(choice)
                }
            }
        }
        return (Tensor(shape: estimate.shape, scalars: out), choices)
    }
}
