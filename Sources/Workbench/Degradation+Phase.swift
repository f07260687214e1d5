import TensorCore
import Degradations

/// `phase [oversample=S]`: phase retrieval, y = |FFT(zero-padded x)|.
struct PhaseDegradation: Degradation {
    let oversample: Double

    static func parse(_ a: Arguments, in session: Session) throws -> PhaseDegradation {
        try a.atMost(0)
        return PhaseDegradation(oversample: try a.number("oversample"))
    }

    var role: DegradationRole { .phase }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        try PhaseRetrieval(shape: shape, oversample: oversample)
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        let (c, h, w) = try imageShape(output, text: text)
        func side(_ n: Int) throws(ShapeInferenceError) -> Int {
            for m in 1...n where m + 2 * Int((Double(m) * (oversample - 1) / 4).rounded()) == n { return m }
            throw ShapeInferenceError("no image size gives a \(n)-pixel phase measurement at oversample=\(Value.format(oversample))")
        }
        return [c, try side(h), try side(w)]
    }
}
