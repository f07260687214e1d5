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

/// Motion blur kernels and their convolution.
@Suite struct MotionBlurTests {
    @Test func lineKernelAtZeroDegreesIsAHorizontalBar() {
        let k = MotionBlur.lineKernel(length: 15, angle: 0)
        #expect(k.shape == [15, 15])
        for j in 0..<15 { #expect(abs(k[7, j] - 1.0 / 15) < 1e-6) }
        #expect(abs(k.sum() - 1) < 1e-5)
        let v = MotionBlur.lineKernel(length: 5, angle: 90)
        for i in 0..<5 { #expect(abs(v[i, 2] - 0.2) < 1e-6) }
    }

    @Test(arguments: [(15, 30.0), (6, 120.0)])
    func lineMotionMatchesDirectConvolution(length: Int, angle: Double) throws {
        let shape = [2, 21, 18]
        let op = try MotionBlur.line(shape: shape, length: length, angle: angle)
        let k = MotionBlur.lineKernel(length: length, angle: angle)
        #expect(abs(k.sum() - 1) < 1e-5)
        let x = testImage(shape)
        #expect(distance(op.apply(x), directConvolution(x, kernel: k)) <= 1e-5 * Double(x.norm()))
    }

    @Test func trajectoryKernelIsSeededAndNormalised() throws {
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1), c = SeededGenerator(seed: 2)
        let ka = MotionBlur.trajectoryKernel(size: 31, intensity: 0.5, using: &a)
        let kb = MotionBlur.trajectoryKernel(size: 31, intensity: 0.5, using: &b)
        let kc = MotionBlur.trajectoryKernel(size: 31, intensity: 0.5, using: &c)
        #expect(ka == kb && ka != kc)
        #expect(abs(ka.sum() - 1) < 1e-4 && ka.min() >= 0)
        // A trajectory, not a point: the mass spreads over many taps.
        #expect(ka.scalars.filter { $0 > 0 }.count > 20)
        var g = SeededGenerator(seed: 1)
        let op = try MotionBlur.trajectory(shape: [1, 40, 40], size: 31, using: &g)
        let x = testImage([1, 40, 40])
        #expect(distance(op.apply(x), directConvolution(x, kernel: ka)) <= 1e-5 * Double(x.norm()))
    }

    @Test func bicubicWeightsMatchKeysAntialiased() {
        // Factor 2: output 0 has centre 1 in input coordinates, support ±4 clipped at 0.
        let m = BicubicDownsample.axis(16, factor: 2).dense()
        let raw = (0..<5).map { BicubicDownsample.keys((Double($0) + 0.5 - 1) / 2) }
        let total = raw.reduce(0, +)
        for j in 0..<5 { #expect(abs(Double(m[0, j]) - raw[j] / total) < 1e-6) }
        // Interior rows sum to 1 and are symmetric about the centre.
        let row = (0..<16).map { m[4, $0] }
        #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        #expect(abs(row[8] - row[9]) < 1e-6 && abs(row[5] - row[12]) < 1e-6)
    }
}
