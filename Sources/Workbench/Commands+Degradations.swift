import Foundation
import ScriptLang
import TensorCore
import Degradations

extension Session {
    /// `mask`, `blur`, `downsample`, `colorize`, `phase`, `hdr`, `sense`: append to A.
    func cmdDegradation(_ a: Arguments) throws {
        let kind: DegradationKind
        let v = a.variant
        switch a.command {
        case "mask":
            if case let .text(path, true)? = a.positionals.first?.value {
                try a.atMost(1)
                kind = .maskFile(path: path)
            } else {
                switch v {
                case "box":
                    try a.atMost(3)
                    let w = a.positionals.count > 1 ? try a.positionalInteger(1, "the box width", min: 1) : nil
                    let h = a.positionals.count > 2 ? try a.positionalInteger(2, "the box height", min: 1) : w
                    kind = .maskBox(width: w, height: h, at: try a.pair("at"))
                case "random":
                    try a.atMost(2)
                    kind = .maskRandom(fraction: try a.positionalNumber(1, "the hidden fraction", default: 0.5, min: 0, max: 1))
                case "freeform": try a.atMost(1); kind = .maskFreeform
                case "half":
                    try a.atMost(2)
                    let side = a.positionals.count > 1 ? try a.positionalText(1, "a side") : "left"
                    let sides = ImageSide.allCases.map(\.rawValue)
                    guard sides.contains(side) else {
                        throw a.error(.badChoice("side", value: side, choices: sides, suggestion: EditDistance.suggestion(for: side, among: sides)), a.positionals[1].range)
                    }
                    kind = .maskHalf(side: side)
                default: throw a.error(.missingVariant(command: "mask", expected: ["box", "random", "freeform", "half", "\"FILE.png\""]))
                }
            }
        case "blur":
            try a.atMost(v == "kernel" ? 2 : 1)
            switch v {
            case "kernel":
                let path = try a.positionalText(1, "a kernel file")
                let normalize = try a.flag("normalize", default: true)
                let k = try attempt(a, at: a.positionals[1].range, kind: .input) { try BlurKernel.load(path: resolveInput(path), normalize: normalize) }
                kind = .blurKernel(k, path: path)
            case "gaussian":
                let sigma = try a.number("sigma", default: 3, min: 0, exclusiveMin: true)
                kind = .blurGaussian(sigma: sigma, size: try a.integer("size", default: 13, min: 1))
            case "uniform": kind = .blurUniform(size: try a.integer("size", default: 9, min: 1))
            default:
                let length = try a.integer("length", default: 15, min: 1)
                kind = .blurMotion(length: length, angle: try a.number("angle", default: 0))
            }
        case "downsample":
            try a.atMost(1)
            let f = try a.positionalInteger(0, "a factor", min: 1)
            kind = .downsample(factor: f, bicubic: try a.choice("method", ["box", "bicubic"], default: "box") == "bicubic")
        case "colorize": try a.atMost(0); kind = .colorize
        case "phase": try a.atMost(0); kind = .phase(oversample: try a.number("oversample", default: 2, min: 1))
        case "hdr": try a.atMost(0); kind = .hdr(scale: try a.number("scale", default: 2, min: 0, exclusiveMin: true))
        default:  // sense
            try a.atMost(1)
            if a.has("rows") {
                if !a.positionals.isEmpty { throw failure(a, "give either a fraction (images) or rows= (vectors), not both") }
                kind = .senseRows(rows: try a.integer("rows", min: 1))
            } else {
                kind = .sense(fraction: try a.positionalNumber(0, "the kept fraction", default: 0.25, min: 0, max: 1, exclusiveMin: true))
            }
        }
        var rng = state.nextGenerator()
        let text = sourceText(a)
        state.chain.append(DegradationStep(kind: kind, text: text, stream: rng.next()))
        state.invalidateMeasurement()
        try revalidateChain(a)
    }

    /// The statement as written, for `show`.
    func sourceText(_ a: Arguments) -> String {
        ([a.command] + a.positionals.map { $0.value.source } + a.options.keys.sorted().map { "\($0)=\(a.options[$0]?.value.source ?? "")" })
            .joined(separator: " ")
    }

    func cmdNoise(_ a: Arguments) throws {
        try a.atMost(1)
        if case .text("auto", _)? = a.positionals.first?.value {
            state.noise = try estimatedNoise(a)
            state.invalidateMeasurement()
            return
        }
        let s = try a.positionalNumber(0, "a standard deviation", min: 0)
        if state.isImageData, s > 1 {
            throw failure(a, "image noise is a standard deviation in [0, 1] pixel units, got \(Value.format(s)); for example 0.05", at: a.positionals[0].range)
        }
        state.noise = s
        state.invalidateMeasurement()
    }

    /// σ_y in model units: 2·S for images, S for raw data.
    var modelNoise: Double { state.isImageData ? 2 * state.noise : state.noise }

    /// Builds A for the current x (or, for an observation, for the x that y implies), so a misfit
    /// shows at the statement that caused it.
    func revalidateChain(_ a: Arguments) throws {
        if state.observedFrom != nil {
            _ = try problemShape(a)
            return
        }
        guard let x = state.x, !state.chain.isEmpty else { return }
        _ = try buildOperator(a, shape: x.itemShape)
    }

    /// The forward operator A for items of `shape`.
    func buildOperator(_ a: Arguments, shape: [Int]) throws -> any ForwardOperator {
        var parts: [any ForwardOperator] = []
        var current = shape
        for step in state.chain {
            let part = try attempt(a) { try buildPart(step, shape: current) }
            parts.append(part)
            current = part.outputShape
        }
        if parts.isEmpty { return Identity(shape: shape) }
        if parts.count == 1, let only = parts.first { return only }
        return try attempt(a) { try OperatorChain(inputShape: shape, parts: parts) }
    }

    func buildPart(_ step: DegradationStep, shape: [Int]) throws -> any ForwardOperator {
        var rng = SeededGenerator(seed: step.stream)
        switch step.kind {
        case let .maskBox(w, h, at): return try Mask.box(shape: shape, height: h, width: w, left: at?.0, top: at?.1)
        case let .maskRandom(f): return try Mask.random(shape: shape, fraction: f, using: &rng)
        case .maskFreeform: return try Mask.freeform(shape: shape, using: &rng)
        case let .maskHalf(side): return try Mask.half(shape: shape, side: ImageSide(rawValue: side) ?? .left)
        case let .maskFile(path):
            let m = try Image.load(path: resolveInput(path), gray: true)
            return try Mask(shape: shape, observed: m, name: "mask \"\(path)\"")
        case let .blurGaussian(sigma, size): return try Blur.gaussian(shape: shape, sigma: sigma, size: size)
        case let .blurUniform(size): return try Blur.uniform(shape: shape, size: size)
        case let .downsample(f, bicubic):
            if bicubic { return try makeBicubic(shape: shape, factor: f) }
            return try BlockAverage(shape: shape, factor: f)
        case let .matrix(m, _):
            guard shape == [m.shape[1]] else {
                throw OperatorError.shapeMismatch(what: "x", got: shape, expected: "a vector [\(m.shape[1])] for the matrix \(m.shape[0])x\(m.shape[1])")
            }
            return try MatrixOperator(m)
        default:
            return try buildExtraPart(step, shape: shape, rng: &rng)
        }
    }

    /// y := A(x) + noise.
    func measure(_ a: Arguments) throws {
        if let source = state.observedFrom {
            throw failure(a, "y is the observation read from '\(source)'; 'measure' makes y from a known x (to simulate, 'load' the image instead of observing it)")
        }
        let x = try requireX(a)
        let op = try buildOperator(a, shape: x.itemShape)
        let noise = try attempt(a) { try MeasurementNoise(sigma: modelNoise) }
        var rng = state.nextGenerator()
        if x.isBatch { throw failure(a, "x holds \(x.tensor.shape[0]) items; measure needs one") }
        let y = noise.apply(to: op.apply(x.tensor), using: &rng)
        state.y = Datum(tensor: y, isImage: x.isImage && y.rank == 3, origin: "A(x) + noise")
        state.yStale = false
    }

    /// y, measured first when stale. Through a final mask only the observed pixels count: what an
    /// observed file holds under the mask (scratches, text) and the noise drawn there are ignored.
    func measuredY(_ a: Arguments) throws -> Datum {
        if state.yStale || state.y == nil { try measure(a) }
        guard var y = state.y else { throw failure(a, "no measurement") }
        if let last = state.chain.last, last.kind.isMask, y.isImage {
            let mask = try attempt(a) { try buildPart(last, shape: y.tensor.shape) }
            y.tensor = mask.apply(y.tensor)
        }
        return y
    }
}
