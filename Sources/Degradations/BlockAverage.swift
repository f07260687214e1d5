import TensorCore

/// Super-resolution by block averaging (the paper's `sr4` for factor 4): each `f × f` block of
/// every channel becomes its mean; `A⁺` replicates each low-resolution pixel over its block.
///
/// Block averaging is separable (`R_h ⊗ R_w` with rows of `f` taps `1/f`), so the SVD is the one
/// of `SeparableOperator`: singular values `1/f` (one per block and channel).
public struct BlockAverage: SVDOperator {
    public let factor: Int
    let separable: SeparableOperator
    public var name: String { "downsample \(factor)" }
    public var inputShape: [Int] { separable.inputShape }
    public var outputShape: [Int] { separable.outputShape }
    public var singularValues: Tensor { separable.singularValues }

    /// Block averaging by `factor` for images of `shape` `[C, H, W]`.
    /// - Throws: `OperatorError.invalidParameter` when `factor` does not divide both H and W
    ///   (the message lists the factors that do).
    public init(shape: [Int], factor: Int) throws {
        let (c, h, w) = try Validate.image(shape, for: "downsample")
        guard factor >= 1, h % factor == 0, w % factor == 0 else {
            throw OperatorError.invalidParameter(parameter: "factor", value: "\(factor)",
                fits: BlockAverage.validFactorsText(h: h, w: w))
        }
        self.factor = factor
        let f = factor
        func axis(_ n: Int) -> AxisMap {
            AxisMap(inCount: n, rows: (0..<(n / f)).map { ($0 * f, [Float](repeating: 1 / Float(f), count: f)) })
        }
        separable = try SeparableOperator(name: "downsample \(f)", channels: c, rows: axis(h), cols: axis(w))
    }

    /// "use one of 2, 4, 8 (they divide 256x128)" or a note that none does.
    static func validFactorsText(h: Int, w: Int) -> String {
        let fits = (2...Swift.max(2, Swift.min(h, w))).filter { h % $0 == 0 && w % $0 == 0 }
        if fits.isEmpty { return "no factor above 1 divides both sides of a \(w)x\(h) image" }
        return "use one of \(fits.prefix(12).map(String.init).joined(separator: ", ")) (they divide both sides of \(w)x\(h))"
    }

    public func apply(_ x: Tensor) -> Tensor { separable.apply(x) }
    public func adjoint(_ y: Tensor) -> Tensor { separable.adjoint(y) }
    /// Block replication (`f² Aᵀ`), the exact pseudo-inverse.
    public func pseudoInverse(_ y: Tensor) -> Tensor { separable.adjoint(y) * Float(factor * factor) }
    public func applyVT(_ x: Tensor) -> Tensor { separable.applyVT(x) }
    public func applyV(_ z: Tensor) -> Tensor { separable.applyV(z) }
    public func applyUT(_ y: Tensor) -> Tensor { separable.applyUT(y) }
    public func applyU(_ z: Tensor) -> Tensor { separable.applyU(z) }
}
