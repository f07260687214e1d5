import TensorCore
import Degradations

extension Session {
    /// Colorize, phase retrieval, HDR, compressed sensing and motion blur.
    func buildExtraPart(_ step: DegradationStep, shape: [Int], rng: inout SeededGenerator) throws -> any ForwardOperator {
        switch step.kind {
        case .colorize: return try Colorize(shape: shape)
        case let .phase(oversample): return try PhaseRetrieval(shape: shape, oversample: oversample)
        case let .hdr(scale): return try HDR(shape: shape, scale: scale)
        case let .sense(fraction):
            guard shape.count == 3 else {
                throw OperatorError.invalidParameter(parameter: "sense", value: "\(fraction)", fits: "a fraction is for images; for vector data use 'sense rows=N'")
            }
            return try CompressedSensing(shape: shape, fraction: fraction, using: &rng)
        case let .senseRows(rows):
            guard shape.count == 1, let dim = shape.first else {
                throw OperatorError.invalidParameter(parameter: "rows", value: "\(rows)", fits: "rows= is for vector data; for images give a fraction: 'sense 0.25'")
            }
            return try CompressedSensing.gaussianMatrix(rows: rows, dim: dim, using: &rng)
        case let .blurMotion(length, angle): return try MotionBlur.line(shape: shape, length: length, angle: angle)
        case let .blurKernel(kernel, path): return try Blur.kernel(shape: shape, kernel: kernel, name: "blur kernel \"\(path)\"")
        default:
            throw OperatorError.invalidParameter(parameter: step.text, value: "", fits: "an operator this build does not know")
        }
    }

    func makeBicubic(shape: [Int], factor: Int) throws -> any ForwardOperator {
        try BicubicDownsample.make(shape: shape, factor: factor)
    }
}
