import ScriptLang
import TensorCore
import Diffusion
import Samplers

/// A tensor the session holds: the ground truth, a measurement, a result or a named value.
public struct Datum: Sendable {
    /// One item `[C, H, W]` / `[D]`, or `n` items `[n, …]` when `isBatch`.
    public var tensor: Tensor
    /// Whether items are images in model space [-1, 1] (shown and saved as pictures).
    public var isImage: Bool
    public var isBatch: Bool = false
    /// How it was made (`reddiff steps=100`, `load "a.png"`).
    public var origin: String = ""
    /// Seconds the solve took.
    public var seconds: Double? = nil
    public init(tensor: Tensor, isImage: Bool, isBatch: Bool = false, origin: String = "", seconds: Double? = nil) {
        self.tensor = tensor
        self.isImage = isImage
        self.isBatch = isBatch
        self.origin = origin
        self.seconds = seconds
    }
    /// The shape of one item.
    public var itemShape: [Int] { isBatch ? Array(tensor.shape.dropFirst()) : tensor.shape }
    /// The first item (the one shown and measured).
    public var first: Tensor { isBatch ? tensor.item(0) : tensor }
    public var summary: String {
        let s = itemShape
        let shape = isImage && s.count == 3 ? "\(s[2])x\(s[1])x\(s[0])" : s.map(String.init).joined(separator: "x")
        return (isBatch ? "\(tensor.shape[0]) × " : "") + (isImage ? "image " : "tensor ") + shape
    }
}

/// A user-defined command (`def NAME a=1 { … }`).
public struct Definition: Sendable {
    public var name: String
    public var parameters: [(String, Value)]
    public var body: [Statement]
    public var file: SourceFile
}

/// One degradation in the chain A, as the user wrote it.
public struct DegradationStep: Sendable {
    var kind: any Degradation
    /// The statement text for `show`, e.g. `downsample 4`.
    public var text: String
    /// The seed of its random choices (mask pixels, sensing rows), drawn when it was added.
    public var stream: UInt64 = 0
}

/// Everything a session knows; a value type, so a failed statement is undone by dropping a copy.
public struct SessionState: Sendable {
    public var seed: UInt64 = 0
    /// How many random streams were drawn since the seed was set (each stochastic statement takes one).
    public var draws: Int = 0
    public var x: Datum?
    public var chain: [DegradationStep] = []
    /// Measurement noise std as the user wrote it ([0,1] units for images, raw for vectors).
    public var noise: Double = 0
    public var y: Datum?
    /// Whether y no longer matches x, A and noise.
    public var yStale = true
    /// The file y was read from (`observe`): y is then given, not measured, and x is unknown
    /// (or, after a `load`, only the reference for `metrics`).
    public var observedFrom: String?
    public var prior: (any DiffusionPrior)?
    public var priorName: String = ""
    /// The sampler settings the prior's file recommends (nil: none; the official defaults apply).
    public var priorSettings: RecommendedSettings?
    /// Results and named values, by name, in creation order.
    public var values: [String: Datum] = [:]
    public var order: [String] = []
    public var traces: [String: Trace] = [:]
    public var lastSolve: String?
    public var variables: [String: Value] = [:]
    public var definitions: [String: Definition] = [:]
    public var threads: Int?
    public var progress = true

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// A fresh generator for the next stochastic statement.
    public mutating func nextGenerator() -> SeededGenerator {
        defer { draws += 1 }
        return SeededGenerator(seed: seed).derived(draws)
    }

    /// Stores a named value, keeping the creation order.
    public mutating func store(_ name: String, _ d: Datum) {
        if values[name] == nil { order.append(name) }
        values[name] = d
    }

    /// Marks y stale after a change to x, A or noise.
    public mutating func invalidateMeasurement() {
        if observedFrom == nil { yStale = true }
    }

    /// The task family of A, for the prior's recommended settings: phase retrieval when A takes
    /// Fourier magnitudes, else super-resolution when it downsamples, else deblurring when it
    /// blurs, else inpainting when it masks, else other.
    public var taskFamily: RecommendedSettings.TaskFamily {
        let roles = chain.map(\.kind.role)
        if roles.contains(.phase) { return .phaseRetrieval }
        if roles.contains(.downsample) { return .superResolution }
        if roles.contains(.blur) { return .deblurring }
        if roles.contains(.mask) { return .inpainting }
        return .other
    }

    /// Whether the session's data are images (x's, or the observation's when x is unknown).
    public var isImageData: Bool { x?.isImage ?? y?.isImage ?? true }
}
