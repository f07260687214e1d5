import TensorCore
import Degradations

/// `sense [FRACTION]` (images) or `sense rows=N` (vectors): compressed sensing.
enum SenseDegradation: Degradation {
    /// A random fraction of the coefficients of an orthogonal transform of an image.
    case fraction(Double)
    /// A random rows × dim Gaussian matrix for vector data.
    case rows(Int)

    static func parse(_ a: Arguments, in session: Session) throws -> SenseDegradation {
        try a.atMost(1)
        if a.has("rows") {
            if !a.positionals.isEmpty { throw session.failure(a, "give either a fraction (images) or rows= (vectors), not both") }
            return .rows(try a.integer("rows"))
        }
        return .fraction(try a.positionalNumber(0, "the kept fraction", default: 0.25, min: 0, max: 1, exclusiveMin: true))
    }

    var role: DegradationRole { .other }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        switch self {
        case let .fraction(fraction):
            guard shape.count == 3 else {
                throw OperatorError.invalidParameter(parameter: "sense", value: "\(fraction)", fits: "a fraction is for images; for vector data use 'sense rows=N'")
            }
            return try CompressedSensing(shape: shape, fraction: fraction, using: &rng)
        case let .rows(rows):
            guard shape.count == 1, let dim = shape.first else {
                throw OperatorError.invalidParameter(parameter: "rows", value: "\(rows)", fits: "rows= is for vector data; for images give a fraction: 'sense 0.25'")
            }
            return try CompressedSensing.gaussianMatrix(rows: rows, dim: dim, using: &rng)
        }
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        throw ShapeInferenceError("the size of x cannot be inferred from a compressed-sensing observation; load a reference x of the right size first")
    }
}
