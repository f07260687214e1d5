import TensorCore
import Degradations
import ScriptLang

/// `mask box|random|freeform|half|"FILE"`: inpainting.
enum MaskDegradation: Degradation {
    case box(width: Int?, height: Int?, at: (Int, Int)?)
    case random(fraction: Double)
    case freeform
    case half(side: ImageSide)
    case file(path: String)

    static func parse(_ a: Arguments, in session: Session) throws -> MaskDegradation {
        if case let .text(path, true)? = a.positionals.first?.value {
            try a.atMost(1)
            return .file(path: path)
        }
        switch a.variant {
        case "box":
            try a.atMost(3)
            let w = a.positionals.count > 1 ? try a.positionalInteger(1, "the box width", min: 1) : nil
            let h = a.positionals.count > 2 ? try a.positionalInteger(2, "the box height", min: 1) : w
            return .box(width: w, height: h, at: try a.pair("at"))
        case "random":
            try a.atMost(2)
            return .random(fraction: try a.positionalNumber(1, "the hidden fraction", default: 0.5, min: 0, max: 1))
        case "freeform":
            try a.atMost(1)
            return .freeform
        case "half":
            try a.atMost(2)
            let word = a.positionals.count > 1 ? try a.positionalText(1, "a side") : ImageSide.left.rawValue
            guard let side = ImageSide(rawValue: word) else {
                let sides = ImageSide.allCases.map(\.rawValue)
                throw a.error(.badChoice("side", value: word, choices: sides, suggestion: EditDistance.suggestion(for: word, among: sides)), a.positionals[1].range)
            }
            return .half(side: side)
        default:
            throw a.error(.missingVariant(command: "mask", expected: (a.spec?.variants.map(\.name) ?? []) + ["\"FILE.png\""]))
        }
    }

    var role: DegradationRole { .mask }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        switch self {
        case let .box(w, h, at): return try Mask.box(shape: shape, height: h, width: w, left: at?.0, top: at?.1)
        case let .random(f): return try Mask.random(shape: shape, fraction: f, using: &rng)
        case .freeform: return try Mask.freeform(shape: shape, using: &rng)
        case let .half(side): return try Mask.half(shape: shape, side: side)
        case let .file(path):
            let m = try Image.load(path: resolve(path), gray: true)
            return try Mask(shape: shape, observed: m, name: "mask \"\(path)\"")
        }
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        _ = try imageShape(output, text: text)
        return output
    }
}
