import Foundation
import Testing
@testable import TensorCore

@Suite("FFT")
struct FFTTests {
    /// The 2-D DFT of one complex plane `[H, W, 2]` by the definition, in double precision.
    func naiveDFT(_ x: Tensor, inverse: Bool = false) -> Tensor {
        let h = x.shape[0], w = x.shape[1]
        let sign = inverse ? 1.0 : -1.0
        var out = Tensor.zeros([h, w, 2])
        for k in 0..<h { for l in 0..<w {
            var re = 0.0, im = 0.0
            for m in 0..<h { for n in 0..<w {
                let th = sign * 2 * Double.pi * (Double(k * m) / Double(h) + Double(l * n) / Double(w))
                let a = Double(x[m, n, 0]), b = Double(x[m, n, 1])
                re += a * cos(th) - b * sin(th); im += a * sin(th) + b * cos(th)
            } }
            out[k, l, 0] = Float(re); out[k, l, 1] = Float(im)
        } }
        return out
    }

    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Random.normal(shape, using: &rng)
    }

    @Test("complex2D equals the naive DFT (odd and even sizes, batched planes)", arguments: [[6, 5], [8, 8], [3, 7]])
    func complexForward(size: [Int]) {
        let x = random([2] + size + [2], seed: UInt64(size[0] * 10 + size[1]))
        let y = FFT.complex2D(x)
        #expect(y.shape == x.shape)
        for p in 0..<2 { #expect(maxAbsDiff(y.item(p), naiveDFT(x.item(p))) < 1e-4) }
        let back = FFT.complex2D(y, inverse: true)
        #expect(maxAbsDiff(back, x) < 1e-5)
        #expect(maxAbsDiff(FFT.complex2D(x.item(0), inverse: true) * Float(size[0] * size[1]), naiveDFT(x.item(0), inverse: true)) < 1e-3)
    }

    @Test("The orthonormal transform is unitary and inverts itself")
    func orthonormal() {
        let x = random([5, 6, 2], seed: 3)
        let y = FFT.complex2D(x, orthonormal: true)
        #expect(abs(y.squaredNorm() - x.squaredNorm()) < 1e-4 * x.squaredNorm())
        #expect(maxAbsDiff(y * Float(30).squareRoot(), naiveDFT(x)) < 1e-4)
        #expect(maxAbsDiff(FFT.complex2D(y, inverse: true, orthonormal: true), x) < 1e-5)
    }

    @Test("real2D keeps the first W/2+1 columns of the complex DFT; inverseReal2D inverts it", arguments: [[4, 6], [5, 7]])
    func real(size: [Int]) {
        let h = size[0], w = size[1], wc = w / 2 + 1
        let x = random([3, h, w], seed: 4)
        let r = FFT.real2D(x)
        #expect(r.shape == [3, h, wc, 2])
        for p in 0..<3 {
            var c = Tensor.zeros([h, w, 2])
            for i in 0..<h { for j in 0..<w { c[i, j, 0] = x[p, i, j] } }
            let full = naiveDFT(c)
            var half = Tensor.zeros([h, wc, 2])
            for i in 0..<h { for j in 0..<wc { half[i, j, 0] = full[i, j, 0]; half[i, j, 1] = full[i, j, 1] } }
            #expect(maxAbsDiff(r.item(p), half) < 1e-4)
        }
        #expect(maxAbsDiff(FFT.inverseReal2D(r, width: w), x) < 1e-5)
    }

    @Test("shifted is NumPy's fftshift / ifftshift")
    func shift() {
        let x = Tensor(shape: [1, 5], scalars: [0, 1, 2, 3, 4])
        #expect(FFT.shifted(x, complex: false).scalars == [3, 4, 0, 1, 2])
        #expect(FFT.shifted(x, complex: false, inverse: true).scalars == [2, 3, 4, 0, 1])
        let g = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(FFT.shifted(g, complex: false).scalars == [4, 3, 2, 1])
        let c = random([2, 3, 4, 2], seed: 5)
        let s = FFT.shifted(c, complex: true)
        #expect(s[0, 1, 2, 0] == c[0, 0, 0, 0] && s[0, 1, 2, 1] == c[0, 0, 0, 1])
        #expect(FFT.shifted(s, complex: true, inverse: true) == c)
    }

    @Test("Plans are reused across sizes and threads without interference")
    func concurrentPlans() {
        let xs = (0..<4).map { random([2, 16 + $0, 12, 2], seed: UInt64(20 + $0)) }
        let expected = xs.map { FFT.complex2D($0) }
        var results = [Tensor](repeating: Tensor.zeros([0]), count: 4)
        results.withUnsafeMutableBufferPointer { r in
            let out = UncheckedSendable(r.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 4) { i in out.value[i] = FFT.complex2D(xs[i]) }
        }
        for i in 0..<4 { #expect(results[i] == expected[i]) }
    }
}
