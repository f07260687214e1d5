import Testing
@testable import TensorCore

@Suite("Random numbers")
struct RandomTests {
    @Test("A fixed seed gives fixed values (xoshiro256** seeded by SplitMix64, checked in Python)")
    func fixedValues() {
        var g = SeededGenerator(seed: 42)
        #expect([g.next(), g.next(), g.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
        var z = SeededGenerator(seed: 0)
        #expect([z.next(), z.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
        var n = SeededGenerator(seed: 42)
        let normals = Random.normal([4], using: &n).scalars
        #expect(maxAbsDiff(Tensor(shape: [4], scalars: normals), Tensor(shape: [4], scalars: [-1.6132238, 1.5344874, 0.78169203, -0.40019348])) < 1e-6)
        var u = SeededGenerator(seed: 7)
        #expect(Random.uniform([3], using: &u).scalars == [0.7005764245986938, 0.2787511944770813, 0.8396274447441101])
    }

    @Test("Same seed, same stream; derived streams differ from each other and the parent")
    func streams() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        #expect(Random.normal([100], using: &a) == Random.normal([100], using: &b))
        let parent = SeededGenerator(seed: 5)
        var firsts = Set<UInt64>()
        for i in 0..<50 { var d = parent.derived(i); firsts.insert(d.next()) }
        var p = parent
        firsts.insert(p.next())
        #expect(firsts.count == 51)
        // derived(i) depends only on the seed, not on how much of the parent was used.
        var used = SeededGenerator(seed: 5)
        _ = used.next()
        var d1 = used.derived(3), d2 = parent.derived(3)
        #expect(d1.next() == d2.next())
        #expect(SeededGenerator(seed: 6).derived(0).seed != parent.derived(0).seed)
    }

    @Test("Normal draws have mean 0 and variance 1; uniform draws stay in range")
    func moments() {
        var g = SeededGenerator(seed: 99)
        let x = Random.normal([200_001], using: &g)
        let mean = x.sumDouble() / Double(x.count)
        let variance = x.squaredNorm() / Double(x.count) - mean * mean
        #expect(abs(mean) < 0.01)          // standard error 0.0022
        #expect(abs(variance - 1) < 0.015) // standard error 0.0032
        let fourth = x.scalars.reduce(0.0) { $0 + pow4(Double($1)) } / Double(x.count)
        #expect(abs(fourth - 3) < 0.1)
        let u = Random.uniform([100_000], in: -2...3, using: &g)
        #expect(u.min() >= -2 && u.max() < 3 && abs(u.mean() - 0.5) < 0.02)
        var single = SeededGenerator(seed: 1)
        for _ in 0..<1000 { let v = Random.uniform(using: &single); #expect(v >= 0 && v < 1) }
    }

    @Test("Permutations and indices")
    func permutation() {
        var g = SeededGenerator(seed: 3)
        let p = Random.permutation(50, using: &g)
        #expect(p.sorted() == Array(0..<50) && p != Array(0..<50))
        var h = SeededGenerator(seed: 3)
        #expect(Random.permutation(50, using: &h) == p)
        #expect((0..<200).allSatisfy { _ in (0..<7).contains(Random.index(7, using: &g)) })
    }
}

private func pow4(_ x: Double) -> Double { let s = x * x; return s * s }
