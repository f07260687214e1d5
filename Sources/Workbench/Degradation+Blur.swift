import TensorCore
import Degradations

/// `blur gaussian|uniform|motion|kernel "FILE"`: deblurring.
enum BlurDegradation: Degradation {
    case gaussian(sigma: Double, size: Int)
    case uniform(size: Int)
    case motion(length: Int, angle: Double)
    /// A measured kernel `[kh, kw]` read from `path`.
    case kernel(Tensor, path: String)

    static func parse(_ a: Arguments, in session: Session) throws -> BlurDegradation {
        try a.atMost(a.variant == "kernel" ? 2 : 1)
        switch a.variant {
        case "kernel":
            let path = try a.positionalText(1, "a kernel file")
            let normalize = try a.flag("normalize")
            let k = try session.attempt(a, at: a.positionals[1].range, kind: .input) {
                try BlurKernel.load(path: session.resolveInput(path), normalize: normalize)
            }
            return .kernel(k, path: path)
        case "gaussian": return .gaussian(sigma: try a.number("sigma"), size: try a.integer("size"))
        case "uniform": return .uniform(size: try a.integer("size"))
        case "motion": return .motion(length: try a.integer("length"), angle: try a.number("angle"))
        default: throw a.error(.missingVariant(command: "blur", expected: a.spec?.variants.map(\.name) ?? []))
        }
    }

    var role: DegradationRole { .blur }

    func build(shape: [Int], rng: inout SeededGenerator, resolve: (String) -> String) throws -> any ForwardOperator {
        switch self {
        case let .gaussian(sigma, size): return try Blur.gaussian(shape: shape, sigma: sigma, size: size)
        case let .uniform(size): return try Blur.uniform(shape: shape, size: size)
        case let .motion(length, angle): return try MotionBlur.line(shape: shape, length: length, angle: angle)
        case let .kernel(kernel, path): return try Blur.kernel(shape: shape, kernel: kernel, name: "blur kernel \"\(path)\"")
        }
    }

    func inputShape(forOutput output: [Int], text: String) throws(ShapeInferenceError) -> [Int] {
        _ = try imageShape(output, text: text)
        return output
    }
}
