import TensorCore
import Degradations

/// One degradation of the chain A as the language knows it. Each kind is one type, in one file
/// `Degradation+Kind.swift` with the statement that makes it (`parse`), the operator it builds
/// and the shape it inverts; every requirement is stated per type, so the compiler points at a
/// new kind's missing piece. A new operator is one such file plus one command table entry.
protocol Degradation: Sendable {
    /// What the step is to the displays and the recommended settings.
    var role: DegradationRole { get }

    /// The operator for items of `shape`; `rng` is the step's own stream (mask pixels, sensing
    /// rows) and `resolve` maps a path as written to the file to read.
    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator

    /// The input shape whose measurements have shape `output` (the inverse of the shape map),
    /// for an observation; `text` is the statement, for messages.
    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int]
}

/// What a degradation step is, for what depends on the kind of task.
enum DegradationRole: Sendable, Equatable {
    /// Hides pixels: the output has the input's shape, hidden pixels zero.
    case mask
    case blur
    /// Lowers the resolution.
    case downsample
    /// Phase retrieval: y is a Fourier magnitude, shown on a log scale.
    case phase
    case other
}

/// Why the size of x cannot be inferred from an observation.
struct ShapeInferenceError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// `(C, H, W)` of an image measurement, or why a step that acts on images cannot take `output`.
func imageShape(_ output: [Int], text: String) throws(ShapeInferenceError) -> (Int, Int, Int) {
    guard output.count == 3 else { throw ShapeInferenceError("'\(text)' acts on images, but the observation has shape \(output)") }
    return (output[0], output[1], output[2])
}

extension Session {
    /// Appends a parsed degradation to A (with its own random stream) and checks it fits x.
    func append(_ degradation: any Degradation, _ a: Arguments) throws {
        var rng = state.nextGenerator()
        state.chain.append(DegradationStep(kind: degradation, text: sourceText(a), stream: rng.next()))
        state.invalidateMeasurement()
        try revalidateChain(a)
    }

    /// The operator of one step for items of `shape`.
    func buildPart(_ step: DegradationStep, shape: [Int]) throws -> any ForwardOperator {
        var rng = SeededGenerator(seed: step.stream)
        return try step.kind.build(shape: shape, rng: &rng, resolve: resolveInput)
    }

    /// The input shape of one step that gives a measurement of `output`.
    func inputShape(of step: DegradationStep, forOutput output: [Int], _ a: Arguments) throws -> [Int] {
        do {
            return try step.kind.inputShape(forOutput: output, text: step.text)
        } catch {
            throw failure(a, error.message)
        }
    }
}
