import Foundation
import TensorCore

extension MotionBlurFit {
    /// The Fourier-domain marginal likelihood of a blur kernel given one blurred gray image.
    ///
    /// Model: y = k ⊛ x + n with a Gaussian image prior whose power spectrum is
    /// `a_b/|ω|²` (a power law, with a free scale `a_b` in each of `radialBins` log-spaced rings)
    /// and white noise of variance s². Every DFT coefficient of y is then independent Gaussian with
    /// variance `V(ω) = a_b |K(ω)|²/|ω|² + s²`, and the negative log-likelihood of the kernel with
    /// the scales maximised out is `Σ_ω P(ω)/V(ω) + log V(ω)` (P the periodogram of y). A line
    /// kernel's zeros must appear in P as dips to the noise floor, which ties the length and angle.
    struct Likelihood {
        /// Tile geometry (every kernel spectrum is evaluated on this grid).
        let tileHeight: Int, tileWidth: Int
        /// The number of half-spectrum coefficients, `tileHeight · (tileWidth/2 + 1)`.
        let bins: Int
        /// The coefficients grouped by ring, each ring padded to a multiple of 8 (`SIMD8` lanes):
        /// `order[k]` is the half-spectrum index of slot k (−1 for padding), and ring r holds the
        /// slots `ringStart[r]..<ringStart[r + 1]`.
        let order: [Int32]
        let ringStart: [Int]
        /// Per slot: the tile-averaged periodogram `|DFT(taper · y)|²/Σ taper²`, the prior `1/|ω|²`,
        /// and the Hermitian multiplicity (1 or 2; 0 at DC and in padding).
        let power: [Float], prior: [Float], multiplicity: [Float]
        let rings: Int
        /// The noise variance s².
        let noiseVariance: Float
        /// The number of tiles averaged (the likelihood counts each as an independent image).
        let tiles: Int

        /// The periodogram of `plane` (`height × width`, row-major) from tapered tiles of at most
        /// `maxTile` pixels per side.
        init(plane: [Float], height h: Int, width w: Int, maxTile: Int, taper: Int, noiseVariance: Double, rings: Int) {
            let th = Swift.min(h, maxTile), tw = Swift.min(w, maxTile)
            let wc = tw / 2 + 1
            tileHeight = th; tileWidth = tw; bins = th * wc
            self.noiseVariance = Float(noiseVariance)
            self.rings = rings
            let ramp = { (n: Int) -> [Float] in
                let r = Swift.max(1, Swift.min(taper, n / 4))
                return (0..<n).map { i in
                    let e = Swift.min(i, n - 1 - i)
                    return e >= r ? 1 : Float(0.5 - 0.5 * cos(Double.pi * (Double(e) + 0.5) / Double(r)))
                }
            }
            let wy = ramp(th), wx = ramp(tw)
            let energy = wy.reduce(0.0) { $0 + Double($1 * $1) } * wx.reduce(0.0) { $0 + Double($1 * $1) }
            func offsets(_ n: Int, _ t: Int) -> [Int] {
                let k = (n + t - 1) / t
                return k == 1 ? [0] : (0..<k).map { $0 * (n - t) / (k - 1) }
            }
            let rowOffsets = offsets(h, th), colOffsets = offsets(w, tw)
            tiles = rowOffsets.count * colOffsets.count
            var stack = [Float](repeating: 0, count: tiles * th * tw)
            var t = 0
            for r0 in rowOffsets { for c0 in colOffsets {
                // Remove the taper-weighted mean, so the tapered tile has no DC to leak.
                var mean = 0.0, weight = 0.0
                for i in 0..<th { for j in 0..<tw {
                    let t = Double(wy[i] * wx[j])
                    mean += t * Double(plane[(r0 + i) * w + c0 + j]); weight += t
                } }
                let m = Float(mean / weight)
                for i in 0..<th { for j in 0..<tw {
                    stack[(t * th + i) * tw + j] = (plane[(r0 + i) * w + c0 + j] - m) * wy[i] * wx[j]
                } }
                t += 1
            } }
            let spectrum = FFT.real2D(Tensor(shape: [tiles, th, tw], scalars: stack)).scalars
            var power = [Double](repeating: 0, count: bins)
            for t in 0..<tiles { for b in 0..<bins {
                let re = Double(spectrum[2 * (t * bins + b)]), im = Double(spectrum[2 * (t * bins + b) + 1])
                power[b] += (re * re + im * im) / (energy * Double(tiles))
            } }
            var slots = [[Int]](repeating: [], count: rings)
            let fMin = 1 / Double(Swift.max(th, tw)), fMax = 0.5 * 2.0.squareRoot()
            for i in 0..<th { for j in 0..<wc {
                let fy = Double(i <= th / 2 ? i : i - th) / Double(th), fx = Double(j) / Double(tw)
                let f = (fy * fy + fx * fx).squareRoot()
                if f == 0 { continue }
                let u = log(Swift.max(f, fMin) / fMin) / log(fMax / fMin)
                slots[Swift.min(rings - 1, Swift.max(0, Int(u * Double(rings))))].append(i * wc + j)
            } }
            var order = [Int32](), ringStart = [0]
            for r in 0..<rings {
                order += slots[r].map { Int32($0) }
                while order.count % 8 != 0 { order.append(-1) }
                ringStart.append(order.count)
            }
            self.order = order
            self.ringStart = ringStart
            self.power = order.map { $0 < 0 ? 0 : Float(power[Int($0)]) }
            self.prior = order.map { b in
                guard b >= 0 else { return 0 }
                let i = Int(b) / wc, j = Int(b) % wc
                let fy = Double(i <= th / 2 ? i : i - th) / Double(th), fx = Double(j) / Double(tw)
                return Float(1 / (fy * fy + fx * fx))
            }
            self.multiplicity = order.map { b in
                guard b >= 0 else { return 0 }
                let j = Int(b) % wc
                return (j == 0 || (tw % 2 == 0 && j == tw / 2)) ? 1 : 2
            }
        }

        /// `|K(ω)|²/|ω|²` in slot order for each kernel (`[k_h, k_w]`, at most the tile size).
        func kernelPowers(_ kernels: [Tensor]) -> [[Float]] {
            let th = tileHeight, tw = tileWidth
            var stack = [Float](repeating: 0, count: kernels.count * th * tw)
            for (p, k) in kernels.enumerated() {
                let kh = k.shape[0], kw = k.shape[1]
                for a in 0..<Swift.min(kh, th) { for b in 0..<Swift.min(kw, tw) { stack[(p * th + a) * tw + b] = k.scalars[a * kw + b] } }
            }
            let spectrum = FFT.real2D(Tensor(shape: [kernels.count, th, tw], scalars: stack)).scalars
            return (0..<kernels.count).map { p in
                order.indices.map { k in
                    let b = Int(order[k])
                    guard b >= 0 else { return 0 }
                    let re = spectrum[2 * (p * bins + b)], im = spectrum[2 * (p * bins + b) + 1]
                    return (re * re + im * im) * prior[k]
                }
            }
        }

        /// The negative log-likelihood (up to a constant, in nats) of a kernel from its slot-ordered
        /// `h = |K|²/|ω|²`, with the ring scales fitted by Newton's method on their logarithms.
        func negativeLogLikelihood(_ h: [Float]) -> Double {
            let s2 = noiseVariance
            var total = 0.0
            h.withUnsafeBufferPointer { ph in power.withUnsafeBufferPointer { pp in multiplicity.withUnsafeBufferPointer { pm in
                for r in 0..<rings {
                    let lo = ringStart[r], hi = ringStart[r + 1]
                    if lo == hi { continue }
                    // Start from the ratio of the ring's signal power to its model power.
                    var sp = 0.0, sh = 0.0
                    for k in lo..<hi {
                        sp += Double(pm[k]) * Swift.max(Double(pp[k]) - Double(s2), 0)
                        sh += Double(pm[k]) * Double(ph[k])
                    }
                    var logScale = log(Swift.max(sp, 1e-30) / Swift.max(sh, 1e-300))
                    for _ in 0..<20 {
                        let a = SIMD8<Float>(repeating: Float(exp(logScale)))
                        var g1 = SIMD8<Float>(), g2 = SIMD8<Float>()
                        for k in stride(from: lo, to: hi, by: 8) {
                            let u = a * load(ph, k), m = load(pm, k)
                            let inv = 1 / (u + s2)
                            let q = u * inv, rho = load(pp, k) * inv
                            let t = q * (1 - rho)
                            g1 += m * t
                            g2 += m * (t + q * q * (2 * rho - 1))
                        }
                        let d1 = Double(g1.sum()), d2 = Double(g2.sum())
                        let step = Swift.min(2, Swift.max(-2, -d1 / (d2 > 0 ? d2 : Swift.abs(d2) + 1e-12)))
                        logScale += step
                        if Swift.abs(step) < 1e-3 { break }
                    }
                    let a = Float(exp(logScale))
                    var ring = 0.0
                    for k in lo..<hi where pm[k] > 0 {
                        let v = a * ph[k] + s2
                        ring += Double(pm[k] * (pp[k] / v + log(v)))
                    }
                    total += ring
                }
            } } }
            return total * Double(tiles)
        }
    }
}

/// Eight consecutive values from `p` at `k`.
@inline(__always) private func load(_ p: UnsafeBufferPointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p.baseAddress! + k).loadUnaligned(as: SIMD8<Float>.self)
}
