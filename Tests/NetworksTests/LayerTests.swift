import Foundation
import Testing
import TensorCore

/// The TensorCore layers against naive double-precision references.
struct LayerTests {
    static func randn(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Random.normal(shape, using: &rng)
    }
    static func maxAbs(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    static func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, pad p: Int) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3]
        let co = w.shape[0], kh = w.shape[2], kw = w.shape[3]
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        var out = [Float](repeating: 0, count: n * co * oh * ow)
        for i in 0..<n { for o in 0..<co { for y in 0..<oh { for xx in 0..<ow {
            var acc = Double(b.scalars[o])
            for ci in 0..<c { for ky in 0..<kh { for kx in 0..<kw {
                let iy = y * s - p + ky, ix = xx * s - p + kx
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                acc += Double(x.scalars[((i * c + ci) * h + iy) * wd + ix]) * Double(w.scalars[((o * c + ci) * kh + ky) * kw + kx])
            } } }
            out[((i * co + o) * oh + y) * ow + xx] = Float(acc)
        } } } }
        return Tensor(shape: [n, co, oh, ow], scalars: out)
    }

    // (batch, cin, cout, h, w, kernel, stride, padding)
    @Test(arguments: [
        (2, 3, 8, 9, 7, 3, 1, 1), (1, 5, 4, 8, 8, 3, 2, 1), (3, 4, 6, 6, 10, 1, 1, 0), (2, 2, 3, 7, 7, 5, 1, 2),
        (1, 4, 4, 9, 9, 3, 2, 0), (2, 6, 5, 5, 6, 2, 1, 0), (1, 3, 2, 4, 4, 3, 1, 3),
    ])
    func convMatchesNaive(_ a: (Int, Int, Int, Int, Int, Int, Int, Int)) {
        let (n, ci, co, h, w, k, s, p) = a
        let x = Self.randn([n, ci, h, w], seed: 1), wt = Self.randn([co, ci, k, k], seed: 2), b = Self.randn([co], seed: 3)
        let got = Conv2D(weight: wt, bias: b, stride: s, padding: p)(x)
        #expect(Self.maxAbs(got, Self.naiveConv(x, wt, b, stride: s, pad: p)) < 1e-4)
    }

    @Test func convBandedPathMatchesGrouped() {
        // 64 channels at 64x64: one image per GEMM in row bands when the budget is exceeded
        let x = Self.randn([2, 64, 48, 40], seed: 4), wt = Self.randn([16, 64, 3, 3], seed: 5), b = Self.randn([16], seed: 6)
        let conv = Conv2D(weight: wt, bias: b, stride: 1, padding: 1)
        let whole = conv(x)
        let one = conv(x.items(1..<2))
        #expect(Self.maxAbs(whole.items(1..<2), one) < 1e-5)
        let ref = Self.naiveConv(x.items(0..<1), wt, b, stride: 1, pad: 1)
        #expect(Self.maxAbs(whole.items(0..<1), ref) < 2e-4)
    }

    // (batch, cin, cout, h, w, kernel, stride, padding): several row bands per item, odd sizes
    @Test(arguments: [
        (2, 32, 16, 40, 72, 3, 1, 1), (1, 64, 8, 33, 130, 3, 1, 1), (3, 12, 20, 21, 17, 3, 2, 1),
        (2, 16, 16, 19, 23, 5, 1, 2), (1, 40, 3, 64, 64, 3, 1, 1), (2, 64, 24, 80, 70, 1, 1, 0),
    ])
    func convTiledKernelMatchesBlocked(_ a: (Int, Int, Int, Int, Int, Int, Int, Int)) {
        let (n, ci, co, h, w, k, s, p) = a
        let x = Self.randn([n, ci, h, w], seed: 21), wt = Self.randn([co, ci, k, k], seed: 22), b = Self.randn([co], seed: 23)
        let conv = Conv2D(weight: wt, bias: b, stride: s, padding: p)
        let tiled = conv(x, kernel: .tiled), blocked = conv(x, kernel: .blocked)
        #expect(Self.maxAbs(tiled, blocked) < 2e-4)
        #expect(Self.maxAbs(tiled.items(0..<1), Self.naiveConv(x.items(0..<1), wt, b, stride: s, pad: p)) < 2e-4)
    }

    @Test func groupNormMatchesNaiveWithFiLMAndSiLU() {
        let n = 2, c = 64, hw = 5 * 3
        let x = Self.randn([n, c, 5, 3], seed: 7) * 3 + 1.5
        let g = Self.randn([c], seed: 8), b = Self.randn([c], seed: 9), film = Self.randn([n, 2 * c], seed: 10)
        let norm = GroupNorm(groups: 32, epsilon: 1e-5, weight: g, bias: b)
        for (useFilm, silu) in [(false, false), (true, false), (true, true), (false, true)] {
            let got = norm(x, scaleShift: useFilm ? film : nil, silu: silu)
            var ref = [Float](repeating: 0, count: x.count)
            for i in 0..<n { for grp in 0..<32 {
                let lo = (i * c + grp * 2) * hw, vals = (lo..<(lo + 2 * hw)).map { Double(x.scalars[$0]) }
                let mean = vals.reduce(0, +) / Double(vals.count)
                let v = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)
                for j in 0..<(2 * hw) {
                    let ch = grp * 2 + j / hw
                    var y = (vals[j] - mean) / (v + 1e-5).squareRoot() * Double(g.scalars[ch]) + Double(b.scalars[ch])
                    if useFilm { y = y * (1 + Double(film.scalars[i * 2 * c + ch])) + Double(film.scalars[i * 2 * c + c + ch]) }
                    if silu { y = y / (1 + exp(-y)) }
                    ref[lo + j] = Float(y)
                }
            } }
            #expect(Self.maxAbs(got, Tensor(shape: x.shape, scalars: ref)) < 1e-5, "film \(useFilm) silu \(silu)")
        }
    }

    static func naiveAttention(_ qkv: Tensor, heads: Int, legacy: Bool) -> Tensor {
        let n = qkv.shape[0], c = qkv.shape[1] / 3, ch = c / heads, t = qkv.shape[2]
        var out = [Float](repeating: 0, count: n * c * t)
        func at(_ i: Int, _ row: Int, _ pos: Int) -> Double { Double(qkv.scalars[(i * 3 * c + row) * t + pos]) }
        for i in 0..<n { for hd in 0..<heads {
            let qRow = legacy ? 3 * ch * hd : ch * hd, kRow = legacy ? qRow + ch : c + ch * hd, vRow = legacy ? qRow + 2 * ch : 2 * c + ch * hd
            let scale = 1 / sqrt(sqrt(Double(ch)))
            for tq in 0..<t {
                var w = (0..<t).map { s in (0..<ch).reduce(0.0) { $0 + at(i, qRow + $1, tq) * scale * at(i, kRow + $1, s) * scale } }
                let m = w.max()!
                w = w.map { exp($0 - m) }
                let z = w.reduce(0, +)
                for cc in 0..<ch {
                    out[(i * c + hd * ch + cc) * t + tq] = Float((0..<t).reduce(0.0) { $0 + w[$1] / z * at(i, vRow + cc, $1) })
                }
            }
        } }
        return Tensor(shape: [n, c, t], scalars: out)
    }

    @Test func attentionInQueryBlocksMatchesNaive() {
        // T = 1100 positions: several blocks of query rows, the last one partial
        let qkv = Self.randn([2, 3 * 8, 1100], seed: 41)
        let got = QKVAttention(heads: 2, order: .splitFirst)(qkv)
        #expect(Self.maxAbs(got, Self.naiveAttention(qkv, heads: 2, legacy: false)) < 1e-5)
    }

    @Test(arguments: [(QKVAttention.Order.legacy, true), (.splitFirst, false)])
    func attentionOrdersMatchNaive(order: QKVAttention.Order, legacy: Bool) {
        let qkv = Self.randn([2, 3 * 12, 10], seed: 11) * 2
        let got = QKVAttention(heads: 3, order: order)(qkv)
        #expect(got.shape == [2, 12, 10])
        #expect(Self.maxAbs(got, Self.naiveAttention(qkv, heads: 3, legacy: legacy)) < 1e-5)
        // the two orders differ on the same input
        let other = QKVAttention(heads: 3, order: legacy ? .splitFirst : .legacy)(qkv)
        #expect(Self.maxAbs(got, other) > 1e-2)
    }

    @Test func resamplingAndConcatenation() {
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let up = x.upsampledNearest2x()
        #expect(up.shape == [1, 2, 4, 4])
        #expect(Array(up.scalars[0..<8]) == [1, 1, 2, 2, 1, 1, 2, 2] && Array(up.scalars[24..<32]) == [7, 7, 8, 8, 7, 7, 8, 8])
        #expect(up.averagePooled2x() == x)
        let pooled = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 9, 3, 4, 9, 9, 9, 9]).averagePooled2x()
        #expect(pooled.shape == [1, 1, 1, 1] && pooled.scalars == [2.5])
        let a = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 2, 1, 2], scalars: [5, 6, 7, 8, 9, 10, 11, 12])
        let cat = a.concatenatedChannels(b)
        #expect(cat.shape == [2, 3, 1, 2] && cat.scalars == [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
        // large enough to be copied in parallel pieces, with pieces that do not divide the parts
        let big1 = Self.randn([2, 3, 150, 170], seed: 31), big2 = Self.randn([2, 5, 150, 170], seed: 32)
        let bigCat = big1.concatenatedChannels(big2), part1 = 3 * 150 * 170, part2 = 5 * 150 * 170
        #expect(bigCat.shape == [2, 8, 150, 170])
        #expect(Array(bigCat.scalars[0..<part1]) == Array(big1.scalars[0..<part1]))
        #expect(Array(bigCat.scalars[part1..<(part1 + part2)]) == Array(big2.scalars[0..<part2]))
        #expect(Array(bigCat.scalars[(part1 + part2)...]) == Array(big1.scalars[part1...]) + Array(big2.scalars[part2...]))
    }

    @Test func linearAndSiLU() {
        let w = Tensor(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0]), b = Tensor(shape: [2], scalars: [0.5, -1])
        let y = Linear(weight: w, bias: b)(Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 1]))
        #expect(y.scalars == [-1.5, 3, -1.5, -3])
        let s = Tensor(shape: [3], scalars: [-2, 0, 3]).silu()
        #expect(abs(s.scalars[0] - Float(-2 / (1 + exp(2.0)))) < 1e-6 && s.scalars[1] == 0 && abs(s.scalars[2] - Float(3 / (1 + exp(-3.0)))) < 1e-6)
    }

    @Test func timestepEmbeddingIsCosThenSin() {
        let e = TimestepEmbedding.sinusoidal([0, 3.5], dim: 9)
        #expect(e.shape == [2, 9])
        #expect(Array(e.scalars[0..<4]) == [1, 1, 1, 1] && Array(e.scalars[4..<9]) == [0, 0, 0, 0, 0])
        // freqs_i = 10000^(−i/4): item 2, i = 1 → cos(3.5·0.1), sin(3.5·0.1); the odd column is zero
        #expect(abs(e.scalars[9 + 1] - cos(0.35)) < 1e-6 && abs(e.scalars[9 + 5] - sin(0.35)) < 1e-6 && e.scalars[17] == 0)
    }
}
