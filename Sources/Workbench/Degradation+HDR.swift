import TensorCore
import Degradations

/// `hdr [scale=S]`: y = clip(scale·(2x−1), −1, 1).
struct HDRDegradation: Degradation {
    let scale: Double

    static func parse(_ a: Arguments, in session: Session) throws -> HDRDegradation {
        try a.atMost(0)
        return HDRDegradation(scale: try a.number("scale"))
    }

    var role: DegradationRole { .other }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        try HDR(shape: shape, scale: scale)
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        _ = try imageShape(output, text: text)
        return output
    }
}
