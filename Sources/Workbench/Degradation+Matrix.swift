import TensorCore
import Degradations

/// `matrix "FILE"`: a dense matrix A `[M, D]` read from a file, acting on vectors.
struct MatrixDegradation: Degradation {
    let matrix: Tensor
    let path: String

    var role: DegradationRole { .other }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        guard shape == [matrix.shape[1]] else {
            throw OperatorError.shapeMismatch(what: "x", got: shape, expected: "a vector [\(matrix.shape[1])] for the matrix \(matrix.shape[0])x\(matrix.shape[1])")
        }
        return try MatrixOperator(matrix)
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        guard output == [matrix.shape[0]] else {
            throw ShapeInferenceError("y has shape \(output), but the matrix \(matrix.shape[0])x\(matrix.shape[1]) produces vectors [\(matrix.shape[0])]")
        }
        return [matrix.shape[1]]
    }
}
