import Foundation
import Testing
import Degradations
import TensorCore

let nonlinearCases: [OperatorCase] = [
    OperatorCase("phase oversample=2") { try PhaseRetrieval(shape: imageShape, oversample: 2) },
    OperatorCase("phase oversample=1.5") { try PhaseRetrieval(shape: [2, 9, 7], oversample: 1.5) },
    OperatorCase("hdr scale=2") { try HDR(shape: imageShape, scale: 2) },
    OperatorCase("chain blur, phase") {
        try OperatorChain(inputShape: imageShape, parts: [try Blur.gaussian(shape: imageShape, sigma: 1, size: 3),
                                                          try PhaseRetrieval(shape: imageShape, oversample: 2)])
    },
    OperatorCase("chain hdr, mask box") {
        try OperatorChain(inputShape: imageShape, parts: [try HDR(shape: imageShape, scale: 1.5),
                                                          try Mask.box(shape: imageShape)])
    },
]

/// Nonlinear operators: VJPs against central finite differences.
@Suite struct NonlinearOperatorTests {
    /// A point with no entry within 5 % of a clipping kink of `clip(s·x)` for s ∈ {1.5, 2}.
    func awayFromKinks(_ x: Tensor) -> Tensor {
        x.map { v in
            for s: Float in [1.5, 2] where abs(abs(s * v) - 1) < 0.05 { return v * 0.9 }
            return v
        }
    }

    @Test(arguments: nonlinearCases)
    func vjpMatchesCentralDifferences(_ c: OperatorCase) throws {
        let op = try c.make()
        #expect(!op.isLinear)
        for seed in UInt64(0)..<3 {
            let x = awayFromKinks(randn(op.inputShape, seed: 300 + seed) * 0.5)
            let v = randn(op.outputShape, seed: 400 + seed), d = randn(op.inputShape, seed: 500 + seed)
            let eps: Float = 1e-3
            let fd = (op.apply(x + d * eps).dot(v) - op.apply(x - d * eps).dot(v)) / Double(2 * eps)
            let an = op.vjp(at: x, v).dot(d)
            #expect(abs(fd - an) <= 2e-3 * max(abs(an), Double(v.norm() * d.norm()) * 0.01), "fd \(fd) vs vjp \(an)")
        }
    }

    @Test func phasePaddingFollowsReference() throws {
        let op = try PhaseRetrieval(shape: [3, 256, 256], oversample: 2)
        #expect(op.padH == 64 && op.padW == 64 && op.outputShape == [3, 384, 384])
        let wide = try PhaseRetrieval(shape: [1, 64, 128], oversample: 2)
        #expect(wide.padH == 16 && wide.padW == 32)
    }

    @Test func phaseIsCentredOrthonormalMagnitude() throws {
        let shape = [1, 6, 5]
        let op = try PhaseRetrieval(shape: shape, oversample: 1)
        let x = randn(shape, seed: 1)
        let y = op.apply(x)
        // Orthonormal: Parseval. Centred: the DC term |Σx|/√N sits at (H/2, W/2).
        #expect(abs(y.norm() - x.norm()) < 1e-4 * x.norm())
        #expect(abs(y[0, 3, 2] - abs(x.sum()) / Float(30).squareRoot()) < 1e-5)
        // A direct DFT at one frequency (k, l) = (1, 2) ↦ shifted index (1 + 3, 2 + 2).
        var re = 0.0, im = 0.0
        for i in 0..<6 { for j in 0..<5 {
            let a = -2 * Double.pi * (Double(i) / 6 + 2 * Double(j) / 5)
            re += Double(x[0, i, j]) * cos(a); im += Double(x[0, i, j]) * sin(a)
        } }
        #expect(abs(Double(y[0, 4, 4]) - (re * re + im * im).squareRoot() / 30.0.squareRoot()) < 1e-5)
    }

    @Test func hdrClips() throws {
        let op = try HDR(shape: [3], scale: 2)
        #expect(op.apply(Tensor(shape: [3], scalars: [-0.8, 0.2, 0.7])).scalars == [-1, 0.4, 1])
        #expect(op.vjp(at: Tensor(shape: [3], scalars: [-0.8, 0.2, 0.7]), Tensor.ones([3])).scalars == [0, 2, 0])
    }
}

/// Fourier magnitudes determine a channel only up to sign and point reflection.
@Suite struct PhaseAmbiguityTests {
    @Test(arguments: [[3, 16, 12], [1, 9, 7]])
    func everyVariantHasTheSameMagnitudes(_ shape: [Int]) throws {
        let op = try PhaseRetrieval(shape: shape, oversample: 2)
        let x = testImage(shape)
        let y = op.apply(x)
        let h = shape[1], w = shape[2]
        for a in PhaseRetrieval.Ambiguity.allCases {
            var v = x
            for ch in 0..<shape[0] { for i in 0..<h { for j in 0..<w {
                let (ii, jj) = a == .reflected || a == .negatedReflected ? (h - 1 - i, w - 1 - j) : (i, j)
                let s: Float = a == .negated || a == .negatedReflected ? -1 : 1
                v[ch, i, j] = s * x[ch, ii, jj]
            } } }
            #expect(distance(op.apply(v), y) < 1e-4 * Double(y.norm()), "\(a)")
            if a != .identity { #expect(distance(v, x) > 0.1 * Double(x.norm()), "\(a) is a different image") }
            // aligning the variant to x recovers x exactly, channel by channel
            let (back, choices) = op.aligned(v, to: x)
            #expect(distance(back, x) < 1e-6, "\(a)")
            #expect(choices == Array(repeating: a, count: shape[0]))
        }
    }

    @Test func channelsAlignSeparately() throws {
        let shape = [3, 8, 10]
        let op = try PhaseRetrieval(shape: shape, oversample: 2)
        let x = testImage(shape)
        var v = x
        for i in 0..<8 { for j in 0..<10 { v[1, i, j] = -x[1, 7 - i, 9 - j]; v[2, i, j] = -x[2, i, j] } }
        let (back, choices) = op.aligned(v, to: x)
        #expect(choices == [.identity, .negatedReflected, .negated])
        #expect(distance(back, x) < 1e-6)
    }
}
