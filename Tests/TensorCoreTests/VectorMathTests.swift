import Foundation
import Testing
import TensorCore

/// The vectorised kernels against the scalar library functions.
struct VectorMathTests {
    @Test func expIsWithinFewUlpsOfLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88.2 {
            let v = VectorMath.exp(SIMD8<Float>((0..<8).map { x + Float($0) * 0.0137 }))
            for j in 0..<8 {
                let ref = Foundation.exp(Double(x + Float(j) * 0.0137))
                worst = max(worst, Float(abs(Double(v[j]) - ref) / ref))
            }
            x += 0.0917
        }
        #expect(worst < 4 * Float.ulpOfOne, "worst relative error \(worst)")
    }

    @Test func expSaturatesOutsideItsRange() {
        let v = VectorMath.exp(SIMD8<Float>(-1000, -100, -87.3, 0, 1, 88.3, 100, .infinity))
        #expect(v[0] < 1e-37 && v[0] >= 0 && v[1] < 1e-37)
        #expect(v[3] == 1 && abs(v[4] - Float(M_E)) < 1e-6)
        #expect(v[6].isFinite && v[6] > 1e38 && v[7].isFinite)
    }

    // (count, a, b, silu): counts around the vector width exercise the tail
    @Test(arguments: [(1, 1.5, -0.25, true), (7, 0.5, 2, false), (8, -2, 0.5, true), (29, 3, 1, true), (1000, 0.1, -3, false)])
    func affineMatchesScalar(_ c: (Int, Float, Float, Bool)) {
        let (count, a, b, silu) = c
        var rng = SeededGenerator(seed: 11)
        let x = Random.normal([count], using: &rng) * 4
        var out = [Float](repeating: .nan, count: count)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { VectorMath.affine(xp.baseAddress!, $0.baseAddress!, count: count, a: a, b: b, silu: silu) }
        }
        for i in 0..<count {
            let y = Double(a) * Double(x.scalars[i]) + Double(b), ref = silu ? y / (1 + Foundation.exp(-y)) : y
            #expect(abs(Double(out[i]) - ref) <= 1e-6 * max(1, abs(ref)), "element \(i): \(out[i]) vs \(ref)")
        }
    }

    @Test(arguments: [3, 8, 1023, 1024, 5000])
    func sumsMatchDoubleAccumulation(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        let x = Random.normal([count], using: &rng) + 100
        let (s, _) = x.withUnsafeBufferPointer { VectorMath.sums($0.baseAddress!, count: count) }
        let refSum = x.scalars.reduce(0.0) { $0 + Double($1) }, mean = refSum / Double(count)
        let (_, q) = x.withUnsafeBufferPointer { VectorMath.sums($0.baseAddress!, count: count, shift: Float(mean)) }
        let refSquares = x.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        #expect(abs(s - refSum) <= 1e-6 * abs(refSum))
        #expect(abs(q - refSquares) <= 1e-4 * refSquares)
    }
}
