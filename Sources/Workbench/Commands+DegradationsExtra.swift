import TensorCore
import Degradations

extension Session {
    /// Degradations whose operators land in a later Degradations release.
    func buildExtraPart(_ step: DegradationStep, shape: [Int], rng: inout SeededGenerator) throws -> any ForwardOperator {
        throw OperatorError.invalidParameter(parameter: step.text, value: "", fits: "this degradation is not in this build of the Degradations library yet")
    }

    func makeBicubic(shape: [Int], factor: Int) throws -> any ForwardOperator {
        throw OperatorError.invalidParameter(parameter: "method", value: "bicubic", fits: "bicubic is not in this build yet; use method=box")
    }
}
