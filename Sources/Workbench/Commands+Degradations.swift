import Foundation
import ScriptLang
import TensorCore
import Degradations

extension Session {
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

    /// `clear`: A := identity, noise := 0.
    func cmdClear(_ a: Arguments) throws {
        try a.atMost(0)
        state.chain = []
        state.noise = 0
        state.invalidateMeasurement()
    }

    /// `measure`: y := A(x) + noise.
    func cmdMeasure(_ a: Arguments) throws {
        try a.atMost(0)
        try measure(a)
    }

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
        if let last = state.chain.last, last.kind.role == .mask, y.isImage {
            let mask = try attempt(a) { try buildPart(last, shape: y.tensor.shape) }
            y.tensor = mask.apply(y.tensor)
        }
        return y
    }
}
