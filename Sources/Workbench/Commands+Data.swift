import Foundation
import ScriptLang
import TensorCore
import Diffusion
import Degradations

extension Session {
    func cmdLoad(_ a: Arguments) throws {
        try a.atMost(1)
        let path = try a.positionalText(0, "a file")
        let range = a.positionals[0].range
        var datum: Datum
        if path.lowercased().hasSuffix(".safetensors") {
            let t = try readRawTensor(a, "x", path: path, at: range)
            datum = Datum(tensor: t, isImage: t.rank == 3, origin: "load \"\(path)\"")
        } else {
            let img = try readImage(a, path: path, at: range)
            datum = Datum(tensor: img * 2 - 1, isImage: true, origin: "load \"\(path)\"" + (state.observedFrom == nil ? "" : ", the reference for metrics"))
        }
        if let (name, r) = a.name {
            try checkName(name, r, a)
            state.store(name, datum)
        } else {
            state.x = datum
            state.invalidateMeasurement()
            try revalidateChain(a)
        }
    }

    /// Names that would shadow a session slot are refused.
    func checkName(_ name: String, _ r: SourceRange, _ a: Arguments) throws {
        if ["x", "y", "result", "grid", "trace", "session", "A", "prior"].contains(name) {
            throw failure(a, "'\(name)' is a reserved name; choose another", at: r)
        }
    }

    func cmdCrop(_ a: Arguments) throws {
        try a.atMost(1)
        let x = try requireX(a)
        guard x.isImage, !x.isBatch else { throw failure(a, "'crop' needs an image x, but x is \(x.summary)") }
        guard let first = a.positionals.first else { throw a.error(.missingArgument("a size", usage: "crop SIZE|WxH [at=COL,ROW]")) }
        let (w, h) = try Arguments.pair(first.value, first.range, what: "the crop size", a)
        let (_, ih, iw) = x.tensor.imageGeometry
        let (left, top) = try a.pair("at") ?? ((iw - w) / 2, (ih - h) / 2)
        let t = try attempt(a) { try Image.cropped(x.tensor, left: left, top: top, width: w, height: h) }
        state.x = Datum(tensor: t, isImage: true, origin: x.origin + "; crop \(w)x\(h) at=\(left),\(top)")
        state.invalidateMeasurement()
        try revalidateChain(a)
    }

    func cmdMatrix(_ a: Arguments) throws {
        try a.atMost(1)
        let path = try a.positionalText(0, "a file")
        let r = a.positionals[0].range
        let file = try attempt(a, at: r, kind: .input) { try SafeTensors(contentsOf: resolveInput(path)) }
        let m = try attempt(a, at: r, kind: .input) { try file.tensor("A", path: path) }
        guard m.rank == 2 else { throw failure(a, "tensor 'A' in '\(path)' has shape \(m.shape); expected a matrix [M, D]", at: r, kind: .input) }
        let step = DegradationStep(kind: MatrixDegradation(matrix: m, path: path), text: "matrix \"\(path)\" (\(m.shape[0])x\(m.shape[1]))")
        state.chain = [step]
        state.invalidateMeasurement()
        try revalidateChain(a)
    }

    func cmdSample(_ a: Arguments) throws {
        try a.atMost(1)
        let n = try a.integer("n")
        guard let prior = state.prior else { throw failure(a, "no prior yet: 'prior gmm grid dim=8' (or another prior) first") }
        guard let gmm = prior as? GaussianMixturePrior else {
            throw failure(a, "'sample' needs a Gaussian-mixture prior (exact draws); for '\(state.priorName)' use 'solve ddim'")
        }
        var rng = state.nextGenerator()
        if a.variant == "prior" {
            let draws = gmm.sample(n: n, using: &rng)
            let datum = n == 1 ? Datum(tensor: draws.item(0), isImage: false, origin: "sample prior")
                : Datum(tensor: draws, isImage: false, isBatch: true, origin: "sample prior n=\(n)")
            if let (name, r) = a.name { try checkName(name, r, a); state.store(name, datum) } else {
                guard n == 1 else { throw failure(a, "x is one draw: give 'as NAME' to keep \(n) draws") }
                state.x = datum
                state.invalidateMeasurement()
                try revalidateChain(a)
            }
            return
        }
        // exact posterior draws for a linear A with a dense matrix and Gaussian noise
        let x = try requireX(a)
        let y = try measuredY(a)
        let op = try buildOperator(a, shape: x.itemShape)
        guard op.isLinear else { throw failure(a, "exact posterior draws need a linear A; this chain is nonlinear") }
        let matrix = try attempt(a) { try denseMatrix(op) }
        let post = try attempt(a) { try gmm.posterior(matrix: matrix, observation: y.tensor.reshaped([y.tensor.count]), noiseSigma: modelNoise) }
        let draws = post.sample(n: n, using: &rng)
        let name = a.name?.0 ?? "posterior"
        if let (nm, r) = a.name { try checkName(nm, r, a) }
        state.store(name, Datum(tensor: draws, isImage: false, isBatch: true, origin: "sample posterior n=\(n)"))
    }

    /// The dense matrix of a linear operator on vectors (its columns are A e_i).
    func denseMatrix(_ op: any ForwardOperator) throws -> Tensor {
        if let m = op as? MatrixOperator { return m.matrix }
        guard op.inputShape.count == 1, let d = op.inputShape.first, d <= 4096 else {
            throw TensorError.invalid("exact posterior draws are for vector data (at most 4096 dimensions), got items of shape \(op.inputShape)")
        }
        let m = op.outputShape.reduce(1, *)
        var out = [Float](repeating: 0, count: m * d)
        for i in 0..<d {
            var e = Tensor.zeros([d])
            e.scalars[i] = 1
            let col = op.apply(e)
            for r in 0..<m { out[r * d + i] = col.scalars[r] }
        }
        return Tensor(shape: [m, d], scalars: out)
    }

    func cmdPredict(_ a: Arguments) throws {
        try a.atMost(1)
        let x = try requireX(a)
        guard let prior = state.prior else { throw failure(a, "no prior yet: 'prior natural' (or another prior) first") }
        let t = try a.integer("t", max: prior.schedule.count - 1)
        let adapted = try attempt(a) { try ShapeAdaptedPrior.adapting(prior, to: x.itemShape) }
        var rng = state.nextGenerator()
        let batch = x.isBatch ? x.tensor : x.tensor.reshaped([1] + x.tensor.shape)
        let out = a.variant == "eps" ? adapted.epsilon(batch, t: t, using: &rng) : adapted.x0(batch, t: t, using: &rng)
        let value = x.isBatch ? out : out.item(0)
        let name = a.name?.0 ?? (a.variant == "eps" ? "eps" : "x0")
        if let (nm, r) = a.name { try checkName(nm, r, a) }
        state.store(name, Datum(tensor: value, isImage: x.isImage, isBatch: x.isBatch, origin: "predict \(a.variant ?? "") t=\(t)"))
    }
}
