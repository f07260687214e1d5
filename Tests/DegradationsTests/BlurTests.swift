import Foundation
import Testing
import Degradations
import TensorCore

/// Blur operators against a direct 2-D convolution with the named kernel (zero boundary).
@Suite struct BlurTests {
    @Test(arguments: [(1.5, 7), (3.0, 13), (0.7, 4)])
    func gaussianMatchesDirectConvolution(sigma: Double, size: Int) throws {
        let shape = [3, 20, 17]
        let op = try Blur.gaussian(shape: shape, sigma: sigma, size: size)
        let g = Blur.gaussianKernel(sigma: sigma, size: size)
        let x = testImage(shape)
        let y = op.apply(x), ref = directConvolution(x, kernel: outer(g, g))
        #expect(distance(y, ref) <= 1e-5 * Double(ref.norm()))
        // The kernel is the true Gaussian: taps ∝ exp(−t²/2σ²), summing to 1.
        #expect(abs(g.reduce(0, +) - 1) < 1e-6)
        if size % 2 == 1 {
            let c = (size - 1) / 2
            #expect(abs(g[c + 1] / g[c] - Float(exp(-1 / (2 * sigma * sigma)))) < 1e-5)
        }
    }

    @Test func uniformMatchesDirectConvolution() throws {
        let shape = [1, 14, 19]
        let op = try Blur.uniform(shape: shape, size: 9)
        let k = Tensor(shape: [9, 9], repeating: 1 / 81)
        let x = testImage([1, 14, 19])
        #expect(distance(op.apply(x), directConvolution(x, kernel: k)) <= 1e-5 * Double(x.norm()))
    }

    @Test func zeroBoundaryKeepsSizeAndDimsBorders() throws {
        let shape = [1, 9, 9]
        let op = try Blur.uniform(shape: shape, size: 3)
        let y = op.apply(Tensor.ones(shape))
        #expect(y.shape == shape)
        #expect(abs(y[0, 4, 4] - 1) < 1e-6)       // interior: full support
        #expect(abs(y[0, 0, 4] - 6.0 / 9) < 1e-6)  // edge: one row of taps falls outside
        #expect(abs(y[0, 0, 0] - 4.0 / 9) < 1e-6)  // corner
    }

    @Test func gaussianSVDPairsChannelsWithTheSameSingularValues() throws {
        let op = try Blur.gaussian(shape: [3, 8, 6], sigma: 1, size: 5)
        let s = op.singularValues.scalars
        let per = 8 * 6
        #expect(s.count == 3 * per)
        #expect(Array(s[0..<per]) == Array(s[per..<(2 * per)]) && Array(s[0..<per]) == Array(s[(2 * per)...]))
    }
}
