import TensorCore
import Degradations

/// Classical (non-learned) reconstructions to measure the samplers against, in model space.
public enum Baselines {
    /// Bicubic upsampling (Keys kernel, a = −0.5) of `y` `[C, h, w]` by `factor`, with replicated
    /// edges and pixel centres aligned as for block averaging: source coordinate (i + ½)/f − ½.
    public static func bicubicUpsample(_ y: Tensor, factor: Int) -> Tensor {
        let (c, h, w) = y.imageGeometry
        let oh = h * factor, ow = w * factor
        let rows = cubicTaps(out: oh, input: h, factor: factor), cols = cubicTaps(out: ow, input: w, factor: factor)
        var tmp = [Float](repeating: 0, count: c * h * ow)   // columns first
        var out = [Float](repeating: 0, count: c * oh * ow)
        y.withUnsafeBufferPointer { p in
            for ch in 0..<c { for i in 0..<h { for j in 0..<ow {
                var s: Float = 0
                for (k, wt) in cols[j] { s += wt * p[(ch * h + i) * w + k] }
                tmp[(ch * h + i) * ow + j] = s
            }}}
        }
        for ch in 0..<c { for i in 0..<oh { for j in 0..<ow {
            var s: Float = 0
            for (k, wt) in rows[i] { s += wt * tmp[(ch * h + k) * ow + j] }
            out[(ch * oh + i) * ow + j] = s
        }}}
        return Tensor(shape: [c, oh, ow], scalars: out)
    }

    /// The Keys cubic kernel (a = −0.5).
    static func keys(_ x: Double) -> Double {
        let a = -0.5, t = Swift.abs(x)
        if t <= 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
        if t < 2 { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a }
        return 0
    }

    static func cubicTaps(out: Int, input: Int, factor: Int) -> [[(Int, Float)]] {
        (0..<out).map { i in
            let src = (Double(i) + 0.5) / Double(factor) - 0.5
            let base = Int(src.rounded(.down))
            return (-1...2).map { k in
                let j = base + k
                return (Swift.min(Swift.max(j, 0), input - 1), Float(keys(src - Double(j))))
            }
        }
    }

    /// Harmonic inpainting: keeps the observed entries of `observed` (where `mask` is 1) and fills
    /// the rest with the solution of Laplace's equation (minimum ‖∇x‖²), per channel, by CGLS.
    /// - Parameters: observed, mask `[C, H, W]` (mask 1 = observed, 0 = hidden).
    public static func harmonicFill(_ observed: Tensor, mask: Tensor, maxIterations: Int = 3000) -> Tensor {
        let hidden = mask.map { $0 > 0.5 ? 0 : 1 }
        let known = observed * mask.map { $0 > 0.5 ? 1 : 0 }
        // min_u ‖∇(hidden⊙u) + ∇known‖²
        let target = -gradient(known)
        let u = ConjugateGradient.leastSquares(target, apply: { gradient($0 * hidden) },
                                               adjoint: { gradientAdjoint($0, shape: observed.shape) * hidden },
                                               tolerance: 1e-6, maxIterations: maxIterations)
        return known + u * hidden
    }

    /// Tikhonov deconvolution with a gradient penalty: argmin ‖A x − y‖² + μ‖∇x‖² by CGLS
    /// (for any linear operator; `mu` in model units).
    public static func tikhonov(_ y: Tensor, op: any LinearOperator, mu: Double, maxIterations: Int = 500) -> Tensor {
        let shape = op.inputShape, m = y.count
        let s = Float(mu.squareRoot())
        let target = Tensor.concatenated([y.reshaped([m]), Tensor.zeros([2 * shape.reduce(1, *)])])
        return ConjugateGradient.leastSquares(target, apply: { x in
            Tensor.concatenated([op.apply(x).reshaped([m]), gradient(x) * s])
        }, adjoint: { r in
            let head = Tensor(shape: op.outputShape, scalars: Array(r.scalars[0..<m]))
            let tail = Tensor(shape: [r.count - m], scalars: Array(r.scalars[m...]))
            return op.adjoint(head) + gradientAdjoint(tail, shape: shape) * s
        }, tolerance: 1e-5, maxIterations: maxIterations)
    }

    /// Tikhonov with μ tuned against the ground truth over a log grid (an oracle: the best the
    /// classical solve can do). Returns the estimate and the chosen μ.
    public static func tunedTikhonov(_ y: Tensor, op: any LinearOperator, truth: Tensor,
                                     grid: [Double] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]) -> (x: Tensor, mu: Double) {
        var best = (x: op.pseudoInverse(y), mu: 0.0, err: Double.infinity)
        for mu in grid {
            let x = tikhonov(y, op: op, mu: mu)
            let err = (x - truth).squaredNorm()
            if err < best.err { best = (x, mu, err) }
        }
        return (best.x, best.mu)
    }

    /// Forward differences of an image `[C, H, W]` (zero at the far edges), flattened
    /// `[2·C·H·W]` as (vertical, horizontal).
    static func gradient(_ x: Tensor) -> Tensor {
        let (c, h, w) = x.imageGeometry, n = c * h * w
        var out = [Float](repeating: 0, count: 2 * n)
        x.withUnsafeBufferPointer { p in
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                let k = (ch * h + i) * w + j
                if i + 1 < h { out[k] = p[k + w] - p[k] }
                if j + 1 < w { out[n + k] = p[k + 1] - p[k] }
            }}}
        }
        return Tensor(shape: [2 * n], scalars: out)
    }

    /// The adjoint of `gradient`.
    static func gradientAdjoint(_ g: Tensor, shape: [Int]) -> Tensor {
        let c = shape[0], h = shape[1], w = shape[2], n = c * h * w
        var out = [Float](repeating: 0, count: n)
        g.withUnsafeBufferPointer { p in
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                let k = (ch * h + i) * w + j
                if i + 1 < h { out[k + w] += p[k]; out[k] -= p[k] }
                if j + 1 < w { out[k + 1] += p[n + k]; out[k] -= p[n + k] }
            }}}
        }
        return Tensor(shape: shape, scalars: out)
    }
}
