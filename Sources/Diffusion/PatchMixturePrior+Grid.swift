import TensorCore

extension PatchMixturePrior {
    /// Denoises one plane (at `offset` in `planes`) patch by patch into `out`, and pulls the
    /// cotangent plane in `cot` back into `grad` when `withVJP`.
    func denoisePlane(_ model: PatchGMM, planes: inout [Float], out: inout [Float], cot: inout [Float], grad: inout [Float],
                      offset: Int, h: Int, w: Int, noise: Float, oy: Int, ox: Int, withVJP: Bool) {
        let side = self.side, p = side * side
        let ys = positions(h, offset: oy), xs = positions(w, offset: ox)
        let rowMap = (0..<(h + 2 * side)).map { mirror($0 - side, h) }
        let colMap = (0..<(w + 2 * side)).map { mirror($0 - side, w) }
        let weight = Float(stride * stride) / Float(p)
        let total = ys.count * xs.count
        let batch = UnsafeMutablePointer<Float>.allocate(capacity: chunk * p)
        let vb = UnsafeMutablePointer<Float>.allocate(capacity: withVJP ? chunk * p : 1)
        defer { batch.deallocate(); vb.deallocate() }
        for e in 0..<(h * w) { out[offset + e] = 0; if withVJP { grad[offset + e] = 0 } }
        var start = 0
        while start < total {
            let n = min(chunk, total - start)
            planes.withUnsafeBufferPointer { src in cot.withUnsafeBufferPointer { cv in
                for q in 0..<n {
                    let py = ys[(start + q) / xs.count], px = xs[(start + q) % xs.count]
                    let dst = batch + q * p, vdst = vb + q * p
                    for dy in 0..<side {
                        let row = offset + rowMap[py + dy] * w
                        let inside = py + dy >= side && py + dy < side + h
                        for dx in 0..<side {
                            dst[dy * side + dx] = src[row + colMap[px + dx]]
                            if withVJP {
                                let ok = inside && px + dx >= side && px + dx < side + w
                                vdst[dy * side + dx] = ok ? weight * cv[row + colMap[px + dx]] : 0
                            }
                        }
                    }
                }
            } }
            model.denoise(batch, count: n, noise: noise, cotangent: withVJP ? vb : nil)
            out.withUnsafeMutableBufferPointer { op in grad.withUnsafeMutableBufferPointer { gp in
                for q in 0..<n {
                    let py = ys[(start + q) / xs.count], px = xs[(start + q) % xs.count]
                    let est = batch + q * p, g = vb + q * p
                    for dy in 0..<side {
                        let inside = py + dy >= side && py + dy < side + h
                        let row = offset + rowMap[py + dy] * w
                        for dx in 0..<side {
                            if inside && px + dx >= side && px + dx < side + w { op[row + colMap[px + dx]] += weight * est[dy * side + dx] }
                            if withVJP { gp[row + colMap[px + dx]] += g[dy * side + dx] }
                        }
                    }
                }
            } }
            start += n
        }
    }
}

/// The index of padded coordinate `i` in `0..<n` under whole-sample mirroring (… b a | a b c … z | z y …),
/// valid for any n ≥ 1 and any i.
@inline(__always) func mirror(_ i: Int, _ n: Int) -> Int {
    let period = 2 * n
    var m = i % period
    if m < 0 { m += period }
    return m < n ? m : period - 1 - m
}

/// The orthonormal opponent colour transform of `PatchMixturePrior`.
enum Colour {
    static let r3: Float = 1 / Float(3).squareRoot(), r2: Float = 1 / Float(2).squareRoot(), r6: Float = 1 / Float(6).squareRoot()

    /// RGB → (Y, C1, C2) scaled by `scale`; one channel g → √3·g·scale (the luminance of (g, g, g)).
    static func forward(_ x: UnsafePointer<Float>, into out: inout [Float], channels c: Int, plane: Int, scale: Float) {
        if c == 1 {
            let f = Float(3).squareRoot() * scale
            for e in 0..<plane { out[e] = f * x[e] }
            return
        }
        for e in 0..<plane {
            let r = x[e] * scale, g = x[plane + e] * scale, b = x[2 * plane + e] * scale
            out[e] = (r + g + b) * r3
            out[plane + e] = (r - b) * r2
            out[2 * plane + e] = (r - 2 * g + b) * r6
        }
    }

    /// The transpose (= inverse) of `forward` times `scale` (one channel: Y·scale/√3).
    static func inverse(_ y: [Float], into x: UnsafeMutablePointer<Float>, channels c: Int, plane: Int, scale: Float) {
        if c == 1 {
            let f = scale / Float(3).squareRoot()
            for e in 0..<plane { x[e] = f * y[e] }
            return
        }
        for e in 0..<plane {
            let l = y[e] * r3, u = y[plane + e] * r2, v = y[2 * plane + e] * r6
            x[e] = (l + u + v) * scale
            x[plane + e] = (l - 2 * v) * scale
            x[2 * plane + e] = (l - u + v) * scale
        }
    }
}
