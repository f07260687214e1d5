import Testing
import TensorCore
@testable import Degradations

/// The FFT and direct paths of `Convolution` compute the same map.
@Suite struct ConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let image: [Int]
        let kernel: [Int]
    }

    static let cases: [Case] = [
        Case(description: "odd 7x7 on RGB 23x17", image: [3, 23, 17], kernel: [7, 7]),
        Case(description: "even 6x6 on RGB 23x17", image: [3, 23, 17], kernel: [6, 6]),
        Case(description: "non-square 5x8 on gray 19x26", image: [1, 19, 26], kernel: [5, 8]),
        Case(description: "non-square even 4x9 on RGB 21x15", image: [3, 21, 15], kernel: [4, 9]),
        Case(description: "image-sized 19x13 on gray 19x13", image: [1, 19, 13], kernel: [19, 13]),
        Case(description: "single tap on gray 9x11", image: [1, 9, 11], kernel: [1, 1]),
    ]

    /// FFT vs direct, forward and adjoint, and both against a Double reference convolution.
    /// Tolerance 1e-5 relative: Float FFTs of these sizes round to about 1e-7 per entry.
    @Test(arguments: cases)
    func fftMatchesDirect(_ c: Case) throws {
        let k = denseKernel(c.kernel[0], c.kernel[1], seed: 30)
        let direct = try Convolution(shape: c.image, kernel: k, method: .direct)
        let fft = try Convolution(shape: c.image, kernel: k, method: .fft)
        #expect(direct.method == .direct && fft.method == .fft)
        let x = randn(c.image, seed: 31), y = randn(c.image, seed: 32)
        let ax = direct.apply(x), aty = direct.adjoint(y)
        #expect(distance(fft.apply(x), ax) <= 1e-5 * Double(ax.norm()), "forward ‖Δ‖ = \(distance(fft.apply(x), ax))")
        #expect(distance(fft.adjoint(y), aty) <= 1e-5 * Double(aty.norm()), "adjoint ‖Δ‖ = \(distance(fft.adjoint(y), aty))")
        let ref = directConvolution(x, kernel: k)
        #expect(distance(fft.apply(x), ref) <= 1e-5 * Double(ref.norm()))
        #expect(distance(ax, ref) <= 1e-5 * Double(ref.norm()))
        // The adjoint is the convolution with the flipped kernel.
        let flipped = Tensor(shape: k.shape, scalars: k.scalars.reversed())
        if c.kernel.allSatisfy({ $0 % 2 == 1 }) {
            let refT = directConvolution(y, kernel: flipped)
            #expect(distance(fft.adjoint(y), refT) <= 1e-5 * Double(refT.norm()))
        }
    }

    @Test func stableDampingDoesNotDependOnThePath() throws {
        let k = denseKernel(9, 9, seed: 33).map { $0 - 0.4 }   // some negative taps
        let a = try Convolution(shape: [1, 24, 24], kernel: k, method: .direct)
        let b = try Convolution(shape: [1, 24, 24], kernel: k, method: .fft)
        #expect(a.stableDamping == b.stableDamping)
        #expect(abs(a.stableDamping - 3e-2 * k.scalars.reduce(0.0) { $0 + Double(abs($1)) }) < 1e-9)
        var rng = SeededGenerator(seed: 34)
        let y = a.apply(Random.uniform([1, 24, 24], in: -1...1, using: &rng)) + Random.normal([1, 24, 24], using: &rng) * 0.02
        let sa = a.stablePseudoInverse(y), sb = b.stablePseudoInverse(y)
        #expect(distance(sa, sb) <= 1e-3 * Double(sa.norm()))
    }

    /// `.auto` takes the direct path for few taps and the FFT path for a dense large kernel.
    @Test func autoPicksByOperationCount() throws {
        let shape = [3, 256, 256]
        #expect(try Convolution(shape: shape, kernel: denseKernel(3, 3, seed: 35)).method == .direct)
        #expect(try Convolution(shape: shape, kernel: denseKernel(31, 31, seed: 36)).method == .fft)
        #expect(try MotionBlur.line(shape: shape, length: 31, angle: 0).method == .direct)
    }

    @Test(arguments: [(1, 1), (11, 12), (13, 14), (271, 280), (1039, 1050), (1024, 1024)])
    func fftSizesAreSevenSmooth(n: Int, expected: Int) {
        #expect(FFTPlan.smooth(atLeast: n) == expected)
    }
}
