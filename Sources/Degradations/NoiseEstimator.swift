import Foundation
import TensorCore

/// Blind estimation of the level of additive white Gaussian noise from one image.
///
/// The weak-texture patch selection of Liu, Tanaka & Okutomi, "Single-Image Noise Level
/// Estimation for Blind Denoising" (IEEE Trans. Image Processing 22(12), 2013), with the
/// eigenvalue statistic of Chen, Zhu & Heng, "An Efficient Statistical Method for Image Noise
/// Level Estimation" (ICCV 2015):
///
/// 1. Take every 7 × 7 patch of every channel (pooled: the noise is assumed equally strong in
///    all channels). White noise adds σ²·I to the patches' covariance and image content only a
///    low-rank positive semidefinite part, so the bulk of small eigenvalues that spreads
///    symmetrically about its mean estimates σ² (Chen et al.: the mean of the r smallest
///    eigenvalues for the largest r at which mean and median agree).
/// 2. Keep the weak-texture patches: those whose gradient energy `‖Dₕx‖² + ‖Dᵥx‖²` (central
///    differences inside the patch) stays below the 1 − 10⁻⁶ quantile of its distribution for
///    pure noise of level σ, Gamma(r/2, 2σ²·tr(DᵀD)/r) with r = rank(DᵀD) (Liu et al.).
/// 3. Re-estimate σ² from the kept patches, and repeat until the selection settles (or would
///    fall below 20 patches per dimension).
///
/// Plain patch PCA on a textured photo leaves few directions free of content, which makes it
/// (and the wavelet MAD rule σ = median|HH₁|/0.6745) overestimate small σ; restricting the
/// statistics to flat patches removes most of that bias. Measured on the four 256² demo photos
/// (RGB and gray) with unclipped Gaussian noise σ ∈ {0.01, 0.02, 0.05, 0.1}: within 7 % of σ
/// (see `NoiseEstimatorTests`). Noise clipped to [0, 1] is not white Gaussian in saturated
/// regions, where the estimate drops.
public enum NoiseEstimator {
    /// The side of the square patches.
    static let patchSize = 7
    /// The tail probability of the weak-texture test (Liu et al.'s confidence 1 − 10⁻⁶).
    static let tailProbability = 1e-6
    /// At most this many patches are used (a coarser patch stride above it keeps big images fast).
    static let maxPatches = 1 << 18
    /// The smallest accepted height and width.
    public static let minimumSide = 16

    /// The standard deviation σ of additive white Gaussian noise in `image` `[C, H, W]`, in the
    /// image's own units (for [0, 1] images: [0, 1] pixel units).
    /// - Throws: `OperatorError.shapeMismatch` for a tensor that is not `[C, H, W]` or is smaller
    ///   than 16 × 16 pixels; `OperatorError.invalidParameter` for non-finite values;
    ///   `OperatorError.numerical` when the eigen-decomposition fails.
    public static func estimate(_ image: Tensor) throws -> Double {
        guard image.rank == 3, image.shape.allSatisfy({ $0 >= 1 }) else {
            throw OperatorError.shapeMismatch(what: "the image for the noise estimate", got: image.shape, expected: "an image [C, H, W]")
        }
        let (_, h, w) = image.imageGeometry
        guard h >= minimumSide && w >= minimumSide else {
            throw OperatorError.shapeMismatch(what: "the image for the noise estimate", got: image.shape,
                                              expected: "at least \(minimumSide)x\(minimumSide) pixels (7x7 patches need room for their statistics)")
        }
        guard image.isFinite else {
            throw OperatorError.invalidParameter(parameter: "image", value: "non-finite values",
                                                 fits: "the noise estimate needs finite pixel values; replace NaN or infinity first")
        }
        let patches = Patches(image, size: patchSize, maxCount: maxPatches)
        // Gradient energy of pure noise: r = rank(DᵀD) = p² − 4 (central differences cannot see
        // the four patterns that are constant on each row/column parity class), and
        // tr(DᵀD) = p(p − 2) (2p(p − 2) differences, each with two taps ±½).
        let p = Double(patchSize)
        let rank = p * p - 4, trace = p * (p - 2)
        let tau0 = GammaDistribution.quantile(shape: rank / 2, scale: 2 * trace / rank, upperTail: tailProbability)

        // Select from all patches each round (so a low estimate can recover), and stop before the
        // selection gets too small for stable covariance statistics.
        let all = Array(0..<patches.count)
        let minimumSelection = Swift.max(patches.dimension, Swift.min(20 * patches.dimension, patches.count / 2))
        var selection = all
        var sigma2 = try patches.noiseVariance(of: selection)
        for _ in 0..<10 {
            let threshold = Float(sigma2 * tau0)
            let next = all.filter { patches.gradientEnergy[$0] < threshold }
            if next.count < minimumSelection || next == selection { break }
            selection = next
            sigma2 = try patches.noiseVariance(of: selection)
        }
        return Swift.max(sigma2, 0).squareRoot()
    }
}

/// All `size × size` patches of an image's channels (mean-removed per channel), with their
/// gradient energies.
struct Patches {
    let dimension: Int
    /// Row-major `[count, dimension]`.
    let data: [Float]
    let gradientEnergy: [Float]
    var count: Int { gradientEnergy.count }

    init(_ image: Tensor, size p: Int, maxCount: Int) {
        let (c, h, w) = image.imageGeometry
        let ph = h - p + 1, pw = w - p + 1
        var stride = 1
        while c * ((ph + stride - 1) / stride) * ((pw + stride - 1) / stride) > maxCount { stride += 1 }
        let rows = Array(Swift.stride(from: 0, to: ph, by: stride)), cols = Array(Swift.stride(from: 0, to: pw, by: stride))
        let n = c * rows.count * cols.count
        dimension = p * p
        var data = [Float](repeating: 0, count: n * p * p)
        var energy = [Float](repeating: 0, count: n)
        let plane = h * w
        image.withUnsafeBufferPointer { px in
            var k = 0
            for ch in 0..<c {
                let x = UnsafeBufferPointer(rebasing: px[(ch * plane)..<((ch + 1) * plane)])
                let mean = x.reduce(0.0) { $0 + Double($1) } / Double(plane)
                // Prefix sums (with a zero first row and column) of the squared central differences.
                var sh = [Double](repeating: 0, count: (h + 1) * (w + 1)), sv = sh
                for i in 0..<h { for j in 0..<w {
                    var gh = 0.0, gv = 0.0
                    if j >= 1 && j <= w - 2 { let d = 0.5 * Double(x[i * w + j + 1] - x[i * w + j - 1]); gh = d * d }
                    if i >= 1 && i <= h - 2 { let d = 0.5 * Double(x[(i + 1) * w + j] - x[(i - 1) * w + j]); gv = d * d }
                    let o = (i + 1) * (w + 1) + j + 1
                    sh[o] = gh + sh[o - 1] + sh[o - w - 1] - sh[o - w - 2]
                    sv[o] = gv + sv[o - 1] + sv[o - w - 1] - sv[o - w - 2]
                } }
                func box(_ s: [Double], _ i0: Int, _ j0: Int, _ i1: Int, _ j1: Int) -> Double {
                    s[i1 * (w + 1) + j1] - s[i0 * (w + 1) + j1] - s[i1 * (w + 1) + j0] + s[i0 * (w + 1) + j0]
                }
                for i0 in rows { for j0 in cols {
                    // Horizontal differences exist in columns j0+1 … j0+p−2, vertical in rows i0+1 … i0+p−2.
                    energy[k] = Float(box(sh, i0, j0 + 1, i0 + p, j0 + p - 1) + box(sv, i0 + 1, j0, i0 + p - 1, j0 + p))
                    let base = k * p * p
                    for a in 0..<p { for b in 0..<p { data[base + a * p + b] = Float(Double(x[(i0 + a) * w + j0 + b]) - mean) } }
                    k += 1
                } }
            }
        }
        self.data = data
        self.gradientEnergy = energy
    }

    /// The noise variance of the patches at `indices` by the eigenvalue rule of Chen, Zhu & Heng
    /// (ICCV 2015): the mean of the r smallest covariance eigenvalues for the largest r at which
    /// that mean is also their median (the eigenvalues of pure noise spread symmetrically about σ²;
    /// content only adds large ones).
    func noiseVariance(of indices: [Int]) throws -> Double {
        let values = try eigenvalues(of: indices)
        for r in stride(from: values.count, to: 0, by: -1) {
            let smallest = values[0..<r]
            let mean = smallest.reduce(0, +) / Double(r)
            if smallest.filter({ $0 > mean }).count == smallest.filter({ $0 < mean }).count { return mean }
        }
        return values[0]
    }

    /// The eigenvalues (ascending) of the sample covariance of the patches at `indices`.
    func eigenvalues(of indices: [Int]) throws -> [Double] {
        let d = dimension, n = indices.count
        guard n > 1 else { return [Double](repeating: 0, count: d) }
        // Centre on the selection's own mean before the single-precision Gram product, so the
        // noise-sized covariance is not lost to rounding of large second moments.
        var mean = [Double](repeating: 0, count: d)
        data.withUnsafeBufferPointer { src in
            for k in indices { for e in 0..<d { mean[e] += Double(src[k * d + e]) } }
        }
        for e in 0..<d { mean[e] /= Double(n) }
        var x = [Float](repeating: 0, count: n * d)
        data.withUnsafeBufferPointer { src in
            for (r, k) in indices.enumerated() { for e in 0..<d { x[r * d + e] = Float(Double(src[k * d + e]) - mean[e]) } }
        }
        let m = Tensor(shape: [n, d], scalars: x)
        var cov = Linalg.matmul(m, m, transposeA: true)
        cov *= 1 / Float(n - 1)
        do {
            return try Linalg.symmetricEigen(cov).values.scalars.map(Double.init)
        } catch {
            throw OperatorError.numerical("the noise estimate's patch covariance has no eigen-decomposition (\(error))")
        }
    }
}
