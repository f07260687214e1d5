import Testing
@testable import TensorCore

@Suite("Linear algebra")
struct LinalgTests {
    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Random.normal(shape, using: &rng)
    }

    /// The product by the textbook triple loop, in double precision.
    func naive(_ a: Tensor, _ b: Tensor) -> Tensor {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var c = Tensor.zeros([m, n])
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a[i, p]) * Double(b[p, j]) }
            c[i, j] = Float(s)
        } }
        return c
    }

    /// A symmetric positive-definite matrix `G Gᵀ + n I`.
    func spd(_ n: Int, seed: UInt64) -> Tensor {
        let g = random([n, n], seed: seed)
        return Linalg.matmul(g, g, transposeB: true) + Linalg.identity(n) * Float(n)
    }

    @Test("matmul matches the naive product, with every transpose", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmul(ta: Bool, tb: Bool) {
        let a = random([17, 9], seed: 1), b = random([9, 13], seed: 2)
        let expected = naive(a, b)
        let c = Linalg.matmul(ta ? a.transposed() : a, tb ? b.transposed() : b, transposeA: ta, transposeB: tb)
        #expect(c.shape == [17, 13])
        #expect(maxAbsDiff(c, expected) < 1e-4)
    }

    @Test("Empty inner dimension gives zeros; empty outer dimensions give empty results")
    func matmulEmpty() {
        #expect(Linalg.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == Tensor.zeros([2, 3]))
        #expect(Linalg.matmul(Tensor.zeros([0, 4]), Tensor.ones([4, 3])).shape == [0, 3])
        #expect(Linalg.matvec(Tensor.zeros([3, 0]), Tensor.zeros([0])) == Tensor.zeros([3]))
    }

    @Test("matvec and its transpose")
    func matvec() {
        let a = random([5, 4], seed: 3), x = random([4], seed: 4), z = random([5], seed: 5)
        #expect(maxAbsDiff(Linalg.matvec(a, x), naive(a, x.reshaped([4, 1])).reshaped([5])) < 1e-5)
        #expect(maxAbsDiff(Linalg.matvec(a, z, transpose: true), naive(a.transposed(), z.reshaped([5, 1])).reshaped([4])) < 1e-5)
    }

    @Test("Symmetric eigen-decomposition reconstructs A with orthonormal vectors")
    func eigen() throws {
        let a = spd(12, seed: 6)
        let (values, vectors) = try Linalg.symmetricEigen(a)
        #expect(values.shape == [12] && vectors.shape == [12, 12])
        #expect(zip(values.scalars, values.scalars.dropFirst()).allSatisfy { $0 <= $1 })
        var scaled = vectors
        for i in 0..<12 { for j in 0..<12 { scaled[i, j] *= values[j] } }
        #expect(maxAbsDiff(Linalg.matmul(scaled, vectors, transposeB: true), a) < 1e-3)
        #expect(maxAbsDiff(Linalg.matmul(vectors, vectors, transposeA: true), Linalg.identity(12)) < 1e-5)
        // A known spectrum: diag(3, 1) rotated.
        let (v2, _) = try Linalg.symmetricEigen(Tensor(shape: [2, 2], scalars: [2, 1, 1, 2]))
        #expect(maxAbsDiff(v2, Tensor(shape: [2], scalars: [1, 3])) < 1e-6)
    }

    @Test("Cholesky: L is lower triangular and L Lᵀ = A; indefinite matrices throw")
    func cholesky() throws {
        let a = spd(10, seed: 7)
        let l = try Linalg.cholesky(a)
        for i in 0..<10 { for j in (i + 1)..<10 { #expect(l[i, j] == 0) } }
        #expect(maxAbsDiff(Linalg.matmul(l, l, transposeB: true), a) < 1e-3)
        #expect(throws: TensorError.self) { try Linalg.cholesky(Tensor(shape: [2, 2], scalars: [1, 2, 2, 1])) }
    }

    @Test("solve: A X = B for one and several right-hand sides; singular A throws")
    func solve() throws {
        let a = spd(8, seed: 8) + random([8, 8], seed: 9)
        let x = random([8, 3], seed: 10)
        let b = Linalg.matmul(a, x)
        #expect(maxAbsDiff(try Linalg.solve(a, b), x) < 1e-4)
        let v = try Linalg.solve(a, b.transposed().item(0))
        #expect(v.shape == [8] && maxAbsDiff(v, x.transposed().item(0)) < 1e-4)
        #expect(throws: TensorError.self) { try Linalg.solve(Tensor(shape: [2, 2], scalars: [1, 2, 2, 4]), Tensor.ones([2])) }
    }

    @Test("Thin SVD reconstructs wide and tall matrices", arguments: [[7, 4], [4, 7]])
    func svd(shape: [Int]) throws {
        let a = random(shape, seed: 12)
        let (u, s, vt) = try Linalg.svd(a)
        let k = shape.min()!
        #expect(u.shape == [shape[0], k] && s.shape == [k] && vt.shape == [k, shape[1]])
        #expect(zip(s.scalars, s.scalars.dropFirst()).allSatisfy { $0 >= $1 } && s.min() >= 0)
        var us = u
        for i in 0..<shape[0] { for j in 0..<k { us[i, j] *= s[j] } }
        #expect(maxAbsDiff(Linalg.matmul(us, vt), a) < 1e-5)
        #expect(maxAbsDiff(Linalg.matmul(u, u, transposeA: true), Linalg.identity(k)) < 1e-5)
        #expect(maxAbsDiff(Linalg.matmul(vt, vt, transposeB: true), Linalg.identity(k)) < 1e-5)
    }
}
