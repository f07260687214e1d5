import Testing
@testable import TensorCore

@Suite("Tensor")
struct TensorTests {
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [2, 3], scalars: [6, 5, 4, 3, 2, 1])

    @Test("Element-wise operators", arguments: [
        ("+", [7, 7, 7, 7, 7, 7]), ("-", [-5, -3, -1, 1, 3, 5]), ("*", [6, 10, 12, 12, 10, 6]), ("/", [1.0 / 6, 0.4, 0.75, 4.0 / 3, 2.5, 6]),
    ] as [(String, [Float])])
    func binary(op: String, expected: [Float]) {
        let r: Tensor
        switch op {
        case "+": r = a + b
        case "-": r = a - b
        case "*": r = a * b
        default: r = a / b
        }
        #expect(r.shape == [2, 3])
        #expect(maxAbsDiff(r, Tensor(shape: [2, 3], scalars: expected)) < 1e-6)
    }

    @Test("Scalar operators, in-place forms, map/apply/combine")
    func scalarsAndInPlace() {
        #expect((a + 1).scalars == [2, 3, 4, 5, 6, 7])
        #expect((a * 2).scalars == [2, 4, 6, 8, 10, 12])
        #expect((10 - a).scalars == [9, 8, 7, 6, 5, 4])
        #expect((a / 2).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((-a).scalars == [-1, -2, -3, -4, -5, -6])
        var c = a
        c += b; #expect(c.scalars == [7, 7, 7, 7, 7, 7])
        c -= b; #expect(c == a)
        c *= b; #expect(c == a * b)
        c = a; c *= 3; #expect(c == a * 3)
        c = a; c.add(b, scaledBy: 0.5); #expect(c.scalars == [4, 4.5, 5, 5.5, 6, 6.5])
        #expect(Tensor.linearCombination(2, a, -1, b).scalars == [-4, -1, 2, 5, 8, 11])
        c = a; c.apply { $0 * $0 }; #expect(c == a.map { $0 * $0 })
        c = a; c.combine(with: b) { max($0, $1) }; #expect(c.scalars == [6, 5, 4, 4, 5, 6])
        #expect(a.clamped(2, 4).scalars == [2, 2, 3, 4, 4, 4])
        #expect((-a).magnitude() == a)
        #expect(maxAbsDiff((a * a).squareRoot(), a) < 1e-6)
    }

    @Test("Copy-on-write: a copy is independent")
    func valueSemantics() {
        var c = a
        c[1, 2] = 100
        #expect(a[1, 2] == 6 && c[1, 2] == 100)
        c[flat: 0] = -1
        #expect(a[flat: 0] == 1)
    }

    @Test("Large tensors take the parallel path and agree with a serial loop")
    func parallelPath() {
        var rng = SeededGenerator(seed: 11)
        let x = Random.normal([3, 300, 301], using: &rng), y = Random.normal([3, 300, 301], using: &rng)
        let s = x + y * 2
        var ok = true
        for i in stride(from: 0, to: x.count, by: 997) where s[flat: i] != x[flat: i] + y[flat: i] * 2 { ok = false }
        #expect(ok)
        var z = x; z.add(y, scaledBy: 2)
        #expect(maxAbsDiff(z, s) < 1e-5)
    }

    @Test("Parallel.chunks covers 0..<count with disjoint ranges; forEach visits every index once")
    func parallelCoverage() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for threads in [1, 2, 3] {
            Parallel.threads = threads
            for count in [0, 1, 1000, 100_003] {
                var hits = [Int32](repeating: 0, count: count)
                hits.withUnsafeMutableBufferPointer { h in
                    let p = UncheckedSendable(h.baseAddress)
                    Parallel.chunks(count, minChunk: 100) { r in for i in r { p.value![i] += 1 } }
                }
                #expect(hits.allSatisfy { $0 == 1 })
            }
            var seen = [Int32](repeating: 0, count: 37)
            seen.withUnsafeMutableBufferPointer { h in
                let p = UncheckedSendable(h.baseAddress!)
                Parallel.forEach(37) { i in p.value[i] += 1 }
            }
            #expect(seen.allSatisfy { $0 == 1 })
        }
    }

    @Test("Empty tensors do not trap")
    func empty() {
        let e = Tensor.zeros([0, 3])
        #expect((e + e).count == 0 && (e * 2).count == 0 && e.sum() == 0 && e.mean() == 0)
        var f = e; f += e; f.apply { $0 + 1 }
        #expect(f.shape == [0, 3])
    }

    @Test("Reductions in double precision")
    func reductions() {
        #expect(a.sum() == 21 && a.mean() == 3.5)
        #expect(a.dot(b) == 56 && a.squaredNorm() == 91)
        #expect(abs(a.norm() - Float(91.0.squareRoot())) < 1e-6)
        #expect(a.min() == 1 && a.max() == 6 && (-a).maxAbs() == 6)
        #expect(a.sumOverItems().scalars == [5, 7, 9])
        // A million copies of 0.1 sum accurately (Float accumulation would drift by ~1e-3 relative).
        let many = Tensor(shape: [1_000_001], repeating: 0.1)
        #expect(abs(many.sumDouble() - 100_000.1) < 0.01)
        #expect(a.isFinite && !(a / Tensor.zeros([2, 3])).isFinite && !Tensor(shape: [1], scalars: [.nan]).isFinite)
    }

    @Test("Reshape, items, stacking, concatenation")
    func shapeOps() {
        let r = a.reshaped([3, 2])
        #expect(r.shape == [3, 2] && r.scalars == a.scalars && r[2, 1] == 6)
        var m = a; m.reshape([6]); #expect(m.shape == [6] && m.rank == 1)
        #expect(a.item(1).scalars == [4, 5, 6] && a.item(1).shape == [3])
        #expect(a.itemCount == 3)
        let s = Tensor.stacked([a, b])
        #expect(s.shape == [2, 2, 3] && s.item(1) == b)
        #expect(s.items(1..<2).shape == [1, 2, 3])
        var t = s; t.setItem(0, to: b); #expect(t.item(0) == b && t.item(1) == b)
        let c = Tensor.concatenated([a, b.items(0..<1)])
        #expect(c.shape == [3, 3] && c.item(2).scalars == [6, 5, 4])
        #expect(a.transposed().shape == [3, 2] && a.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(a.transposed().transposed() == a)
    }

    @Test("Crop and pad of image planes")
    func cropPad() {
        let img = Tensor(shape: [2, 3, 3], scalars: (0..<18).map(Float.init))
        #expect(img.imageGeometry == (2, 3, 3))
        let c = img.cropped(top: 1, left: 0, height: 2, width: 2)
        #expect(c.shape == [2, 2, 2] && c.scalars == [3, 4, 6, 7, 12, 13, 15, 16])
        let p = c.padded(top: 1, bottom: 0, left: 0, right: 1, value: -1)
        #expect(p.shape == [2, 3, 3])
        #expect(p.item(0).scalars == [-1, -1, -1, 3, 4, -1, 6, 7, -1])
        #expect(p.cropped(top: 1, left: 0, height: 2, width: 2) == c)
    }
}
