import TensorCore
import Degradations

/// `downsample FACTOR [method=box|bicubic]`: super-resolution.
struct DownsampleDegradation: Degradation {
    let factor: Int
    let bicubic: Bool

    static func parse(_ a: Arguments, in session: Session) throws -> DownsampleDegradation {
        try a.atMost(1)
        let f = try a.positionalInteger(0, "a factor", min: 1)
        return DownsampleDegradation(factor: f, bicubic: try a.choice("method") == "bicubic")
    }

    var role: DegradationRole { .downsample }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        if bicubic { return try BicubicDownsample.make(shape: shape, factor: factor) }
        return try BlockAverage(shape: shape, factor: factor)
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        let (c, h, w) = try imageShape(output, text: text)
        return [c, h * factor, w * factor]
    }
}
