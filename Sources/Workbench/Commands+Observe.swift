import Foundation
import ScriptLang
import TensorCore
import Degradations

extension Session {
    /// `observe FILE [size=…] [gray]`: y := the image in FILE (or tensor "y" of a .safetensors
    /// file); x becomes unknown, A the identity and the noise 0 (declared after it). A later
    /// `load` sets x as the reference for `metrics` only.
    func cmdObserve(_ a: Arguments) throws {
        try a.atMost(1)
        let path = try a.positionalText(0, "a file")
        let range = a.positionals[0].range
        let y: Datum
        if path.lowercased().hasSuffix(".safetensors") {
            let t = try readRawTensor(a, "y", path: path, at: range)
            guard t.isFinite else { throw failure(a, "tensor 'y' in '\(path)' has non-finite values", at: range, kind: .input) }
            y = Datum(tensor: t, isImage: t.rank == 3, origin: "observe \"\(path)\"")
        } else {
            let img = try readImage(a, path: path, at: range)
            y = Datum(tensor: img * 2 - 1, isImage: true, origin: "observe \"\(path)\"")
        }
        // a new observation is a new problem: A and the noise level are declared after it
        state.x = nil
        state.chain = []
        state.noise = 0
        state.y = y
        state.yStale = false
        state.observedFrom = path
        try revalidateChain(a)
    }

    /// Tensor `key` of a .safetensors file, raw: a vector or an image `[C, H, W]` in model space.
    func readRawTensor(_ a: Arguments, _ key: String, path: String, at range: SourceRange) throws -> Tensor {
        if a.has("size") || a.has("gray") { throw failure(a, "'size' and 'gray' apply to images, not to raw tensors") }
        let file = try attempt(a, at: range, kind: .input) { try SafeTensors(contentsOf: resolveInput(path)) }
        let t = try attempt(a, at: range, kind: .input) { try file.tensor(key, path: path) }
        guard t.rank == 1 || t.rank == 3 else {
            throw failure(a, "tensor '\(key)' in '\(path)' has shape \(t.shape); expected a vector or an image [C, H, W]", at: range, kind: .input)
        }
        return t
    }

    /// An image file as `[C, H, W]` in [0, 1], with the `size=` and `gray` options of `load`/`observe`.
    func readImage(_ a: Arguments, path: String, at range: SourceRange) throws -> Tensor {
        var img = try attempt(a, at: range, kind: .input) { try Image.load(path: resolveInput(path), gray: a.flag("gray")) }
        if let (w, h) = try a.pair("size") {
            let (_, ih, iw) = img.imageGeometry
            // size=W keeps the aspect ratio
            let height = a.options["size"].map { if case .number = $0.value { return Int((Double(ih) * Double(w) / Double(iw)).rounded()) } else { return h } } ?? h
            img = try attempt(a, at: a.options["size"]?.range) { try Image.resized(img, width: w, height: Swift.max(1, height)) }
        }
        return img
    }

    /// The shape of one item x, the input of A: x's own, or — for an observation — inferred
    /// from y through the chain (4× larger for `downsample 4`, three channels for `colorize`).
    /// A reference x loaded after `observe` must have that shape.
    func problemShape(_ a: Arguments) throws -> [Int] {
        guard let source = state.observedFrom, let y = state.y else { return try requireX(a).itemShape }
        // a reference x that A maps onto y fixes the shape (compressed sensing cannot be inverted)
        if let x = state.x, (try? buildOperator(a, shape: x.itemShape).outputShape) == y.tensor.shape { return x.itemShape }
        let shape = try inferredInputShape(a, y: y.tensor.shape, source: source)
        if let x = state.x, x.itemShape != shape {
            throw failure(a, "the reference x is \(describe(x.itemShape)) but y from '\(source)' with A = \(chainText) needs x of \(describe(shape)); "
                + "load a reference of that size (load \"…\" size=\(shape.count == 3 ? "\(shape[2])x\(shape[1])" : "…"))")
        }
        return shape
    }

    /// Walks the chain backwards from y's shape, then checks that A maps the result onto y.
    func inferredInputShape(_ a: Arguments, y: [Int], source: String) throws -> [Int] {
        var shape = y
        for step in state.chain.reversed() {
            shape = try inputShape(of: step, forOutput: shape, a)
        }
        let op = try buildOperator(a, shape: shape)
        guard op.outputShape == y else {
            throw failure(a, "A = \(chainText) maps x of \(describe(shape)) to \(describe(op.outputShape)), not to y's \(describe(y)) from '\(source)'")
        }
        return shape
    }

    var chainText: String { state.chain.isEmpty ? "identity" : state.chain.map(\.text).joined(separator: " ; ") }

    /// `WxH` (and the channel count) for image shapes, the dimension list otherwise.
    func describe(_ shape: [Int]) -> String {
        if shape.count == 3 { return "\(shape[2])x\(shape[1])" + (shape[0] == 1 ? " gray" : shape[0] == 3 ? " RGB" : " with \(shape[0]) channels") }
        return "shape \(shape)"
    }
}
