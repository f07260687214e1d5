import TensorCore
import Degradations

/// `colorize`: y is the gray image (channel mean).
struct ColorizeDegradation: Degradation {
    static func parse(_ a: Arguments, in session: Session) throws -> ColorizeDegradation {
        try a.atMost(0)
        return ColorizeDegradation()
    }

    var role: DegradationRole { .other }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        try Colorize(shape: shape)
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        let (c, h, w) = try imageShape(output, text: text)
        guard c == 1 else { throw ShapeInferenceError("'colorize' needs a gray observation; observe the file with 'gray'") }
        return [3, h, w]
    }
}
