import TensorCore
import Degradations

extension Baselines {
    /// Biharmonic inpainting (as scikit-image's `inpaint_biharmonic`): keeps the observed entries
    /// of `observed` (where `mask` is 1) and fills the rest so that the image minimises ‖Δx‖²,
    /// i.e. Δ²x = 0 on the hidden pixels, per channel, by CGLS.
    ///
    /// Δ is the graph Laplacian of the pixel grid (reflecting edges: a border pixel has fewer
    /// neighbours), which is symmetric, so Δᵀ = Δ.
    /// - Parameters: observed, mask `[C, H, W]` (mask 1 = observed, 0 = hidden).
    public static func biharmonicFill(_ observed: Tensor, mask: Tensor, maxIterations: Int = 3000) -> Tensor {
        let hidden = mask.map { $0 > 0.5 ? 0 : 1 }
        let known = observed * mask.map { $0 > 0.5 ? 1 : 0 }
        // min_u ‖Δ(hidden⊙u) + Δ known‖²
        let target = -laplacian(known)
        let u = ConjugateGradient.leastSquares(target, apply: { laplacian($0 * hidden) },
                                               adjoint: { laplacian($0) * hidden },
                                               tolerance: 1e-7, maxIterations: maxIterations)
        return known + u * hidden
    }

    /// The graph Laplacian of an image `[C, H, W]`: Σ over the 4-neighbours n of (x_n − x_p).
    static func laplacian(_ x: Tensor) -> Tensor {
        let (c, h, w) = x.imageGeometry
        var out = [Float](repeating: 0, count: c * h * w)
        x.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                    let k = (ch * h + i) * w + j, v = p[k]
                    var s: Float = 0
                    if i > 0 { s += p[k - w] - v }
                    if i + 1 < h { s += p[k + w] - v }
                    if j > 0 { s += p[k - 1] - v }
                    if j + 1 < w { s += p[k + 1] - v }
                    o[k] = s
                }}}
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
