import TensorCore
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

extension PatchGMM {
    /// Replaces the `n` noisy patches at `patches` (row-major `[n, P]`) by their exact posterior
    /// means at noise level `noise`; with `cotangent` (also `[n, P]`), overwrites it by the VJP
    /// (∂x̂/∂y)ᵀ v of each patch. Returns Σ log p(y) of the patches (up to the constant −P/2 log 2π).
    ///
    /// Work per call: one GEMM projecting onto all K eigenbases at once, O(n·K·P) element-wise
    /// Wiener shrinkage and responsibilities (on all cores), one GEMM back.
    @discardableResult
    public func denoise(_ patches: UnsafeMutablePointer<Float>, count n: Int, noise: Float,
                        cotangent: UnsafeMutablePointer<Float>? = nil) -> Double {
        let p = dim, k = count, kp = k * p, s2 = noise * noise
        let withV = cotangent != nil
        var inv = [Float](repeating: 0, count: kp), gain = [Float](repeating: 0, count: kp)
        var logNorm = [Float](repeating: 0, count: k)
        for c in 0..<k {
            var ld = 0.0
            for j in 0..<p {
                let l = eigenvalues[c * p + j], sv = l + s2
                inv[c * p + j] = 1 / sv; gain[c * p + j] = l / sv; ld += _log(Double(sv))
            }
            logNorm[c] = logWeights[c] - Float(0.5 * ld)
        }
        // z = Y·[V_1 … V_K]  (and V·[V_1 … V_K] for the cotangent), [n, K·P].
        let z = UnsafeMutablePointer<Float>.allocate(capacity: n * kp)
        let pv = UnsafeMutablePointer<Float>.allocate(capacity: withV ? n * kp : 1)
        let mv = UnsafeMutablePointer<Float>.allocate(capacity: withV ? n * k : 1)
        let resp = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        defer { z.deallocate(); pv.deallocate(); mv.deallocate(); resp.deallocate() }
        bases.withUnsafeBufferPointer { b in
            BLAS.sgemm(m: n, n: kp, k: p, a: patches, lda: p, b: b.baseAddress!, ldb: kp, c: z, ldc: kp)
            if let v = cotangent {
                BLAS.sgemm(m: n, n: kp, k: p, a: v, lda: p, b: b.baseAddress!, ldb: kp, c: pv, ldc: kp)
                means.withUnsafeBufferPointer { m in   // m_k · v
                    BLAS.sgemm(transB: true, m: n, n: k, k: p, a: v, lda: p, b: m.baseAddress!, ldb: p, c: mv, ldc: k)
                }
            }
        }
        // Shrinkage and responsibilities, row by row on all cores.
        var logLik = [Double](repeating: 0, count: max(1, Parallel.threads) * 4)
        let rowsPerPiece = max(1, (n + logLik.count - 1) / logLik.count)
        let pieces = (n + rowsPerPiece - 1) / rowsPerPiece
        inv.withUnsafeBufferPointer { invp in gain.withUnsafeBufferPointer { gp in
            projectedMeans.withUnsafeBufferPointer { pmp in logNorm.withUnsafeBufferPointer { lnp in
                logLik.withUnsafeMutableBufferPointer { llp in
                    let box = UncheckedSendable((invp, gp, pmp, lnp, llp))
                    Parallel.forEach(pieces) { piece in
                        let (invp, gp, pmp, lnp, llp) = box.value
                        var logit = [Float](repeating: 0, count: k)
                        var sum = 0.0
                        for i in (piece * rowsPerPiece)..<min(n, (piece + 1) * rowsPerPiece) {
                            let zi = z + i * kp
                            var top = -Float.infinity
                            for c in 0..<k {
                                var q: Float = 0
                                let base = c * p
                                for j in 0..<p {
                                    let d = zi[base &+ j] - pmp[base &+ j]
                                    zi[base &+ j] = d
                                    q += d * d * invp[base &+ j]
                                }
                                logit[c] = lnp[c] - 0.5 * q
                                top = max(top, logit[c])
                            }
                            var total: Float = 0
                            for c in 0..<k { let e = _expf(logit[c] - top); logit[c] = e; total += e }
                            sum += Double(top) + _log(Double(total))
                            let ri = resp + i * k
                            for c in 0..<k { ri[c] = logit[c] / total }
                            if withV {
                                // μ_k·v = m_k·v + Σ_j g z p; c_k = r_k (μ_k·v − x̂·v).
                                let pvi = pv + i * kp, mvi = mv + i * k
                                var xv: Float = 0
                                for c in 0..<k {
                                    var acc: Float = 0
                                    let base = c * p
                                    for j in 0..<p { acc += gp[base &+ j] * zi[base &+ j] * pvi[base &+ j] }
                                    mvi[c] += acc
                                    xv += ri[c] * mvi[c]
                                }
                                for c in 0..<k {
                                    let r = ri[c], ck = r * (mvi[c] - xv), base = c * p
                                    for j in 0..<p {
                                        pvi[base &+ j] = r * gp[base &+ j] * pvi[base &+ j] - ck * invp[base &+ j] * zi[base &+ j]
                                    }
                                }
                            }
                            for c in 0..<k {
                                let r = ri[c], base = c * p
                                for j in 0..<p { zi[base &+ j] *= r * gp[base &+ j] }
                            }
                        }
                        llp[piece] = sum
                    }
                }
            } }
        } }
        // x̂ = Σ_k r_k m_k + [V_1 … V_K]·u ; VJP = [V_1 … V_K]·u'.
        bases.withUnsafeBufferPointer { b in
            means.withUnsafeBufferPointer { m in
                BLAS.sgemm(m: n, n: p, k: k, a: resp, lda: k, b: m.baseAddress!, ldb: p, c: patches, ldc: p)
            }
            BLAS.sgemm(transB: true, m: n, n: p, k: kp, a: z, lda: kp, b: b.baseAddress!, ldb: kp, beta: 1, c: patches, ldc: p)
            if let v = cotangent {
                BLAS.sgemm(transB: true, m: n, n: p, k: kp, a: pv, lda: kp, b: b.baseAddress!, ldb: kp, c: v, ldc: p)
            }
        }
        return logLik.reduce(0, +)
    }
}

#if canImport(Glibc)
@inline(__always) func _expf(_ x: Float) -> Float { Glibc.expf(x) }
#else
@inline(__always) func _expf(_ x: Float) -> Float { Foundation.exp(x) }
#endif
