import Foundation
import TensorCore

/// Motion-blur kernels: a straight line of given length and angle, or a seeded random camera
/// trajectory (a smooth random camera path in the spirit of Boracchi & Foi 2012).
/// Both are non-separable, so the operators are `Convolution`s (no exact SVD).
public enum MotionBlur {
    /// A normalised line kernel: `length` unit-spaced points on a segment through the centre at
    /// `angle` degrees (counter-clockwise from the +x axis, rows pointing down), bilinearly
    /// splatted onto an odd `n × n` grid, `n = 2⌈(length − 1)/2⌉ + 1`.
    public static func lineKernel(length: Int, angle: Double) -> Tensor {
        let n = lineKernelSize(length)
        let c = Double(n - 1) / 2
        let rad = angle * .pi / 180
        var k = [Float](repeating: 0, count: n * n)
        for p in 0..<length {
            let t = Double(p) - Double(length - 1) / 2
            splat(&k, n: n, y: c - t * sin(rad), x: c + t * cos(rad), weight: 1 / Float(length))
        }
        return Tensor(shape: [n, n], scalars: k)
    }

    /// The side of the line kernel for `length`: the smallest odd number ≥ length.
    public static func lineKernelSize(_ length: Int) -> Int { length % 2 == 1 ? length : length + 1 }

    /// A seeded random-trajectory kernel on a `size × size` grid: a camera path of length
    /// `0.6·size` pixels walked in half-pixel steps whose heading drifts as a random walk
    /// (step deviation `0.25·intensity` rad) with occasional sharp turns (probability
    /// `0.01·intensity` per step), bilinearly splatted, centred on the grid and normalised.
    public static func trajectoryKernel(size: Int, intensity: Double, using rng: inout some RandomNumberGenerator) -> Tensor {
        let stepLength = 0.5
        let steps = Swift.max(2, Int(Double(size) * 0.6 / stepLength))
        func u() -> Double { Double(Random.uniform(using: &rng)) }
        func n() -> Double { Double(Random.normal(using: &rng)) }
        var heading = 2 * Double.pi * u()
        var p = (x: 0.0, y: 0.0)
        var path = [p]
        for _ in 1..<steps {
            heading += 0.25 * intensity * n()
            if u() < 0.01 * intensity { heading += Double.pi * (u() - 0.5) * 1.5 }
            p = (x: p.x + stepLength * cos(heading), y: p.y + stepLength * sin(heading))
            path.append(p)
        }
        // Centre the path's bounding box on the grid and shrink it to fit when needed.
        let xs = path.map(\.x), ys = path.map(\.y)
        let (x0, x1, y0, y1) = (xs.min() ?? 0, xs.max() ?? 0, ys.min() ?? 0, ys.max() ?? 0)
        let extent = Swift.max(x1 - x0, y1 - y0, 1e-9)
        let fit = Swift.min(1, Double(size - 2) / extent)
        let c = Double(size - 1) / 2
        var k = [Float](repeating: 0, count: size * size)
        for q in path {
            splat(&k, n: size, y: c + (q.y - (y0 + y1) / 2) * fit, x: c + (q.x - (x0 + x1) / 2) * fit, weight: 1)
        }
        let total = k.reduce(0, +)
        return Tensor(shape: [size, size], scalars: k.map { $0 / total })
    }

    /// Adds `weight` at (y, x) bilinearly (inside the grid).
    static func splat(_ k: inout [Float], n: Int, y: Double, x: Double, weight: Float) {
        let i = Int(y.rounded(.down)), j = Int(x.rounded(.down))
        let fy = Float(y - Double(i)), fx = Float(x - Double(j))
        for (di, wy) in [(0, 1 - fy), (1, fy)] { for (dj, wx) in [(0, 1 - fx), (1, fx)] {
            let a = i + di, b = j + dj
            if a >= 0 && a < n && b >= 0 && b < n && wy * wx > 0 { k[a * n + b] += weight * wy * wx }
        } }
    }

    /// Line motion blur of `length` pixels at `angle` degrees.
    /// - Throws: `OperatorError.invalidParameter` for a length below 1 or a kernel larger than the image.
    public static func line(shape: [Int], length: Int, angle: Double) throws -> Convolution {
        let (_, h, w) = try Validate.image(shape, for: "blur motion")
        guard length >= 1 else {
            throw OperatorError.invalidParameter(parameter: "length", value: "\(length)", fits: "use a length of at least 1 pixel, for example 15")
        }
        guard angle.isFinite else {
            throw OperatorError.invalidParameter(parameter: "angle", value: "\(angle)", fits: "use an angle in degrees, for example 30")
        }
        try Blur.checkSize(lineKernelSize(length), h: h, w: w, parameter: "length")
        return try Convolution(shape: shape, kernel: lineKernel(length: length, angle: angle),
                               name: "blur motion length=\(length) angle=\(angle)")
    }

    /// Random-trajectory motion blur on a `size × size` kernel (seeded).
    /// - Throws: `OperatorError.invalidParameter` for a size below 3, a kernel larger than the
    ///   image, or an intensity outside [0, 1].
    public static func trajectory(shape: [Int], size: Int = 31, intensity: Double = 0.5,
                                  using rng: inout some RandomNumberGenerator) throws -> Convolution {
        let (_, h, w) = try Validate.image(shape, for: "blur motion")
        guard size >= 3 else {
            throw OperatorError.invalidParameter(parameter: "size", value: "\(size)", fits: "use a kernel size of at least 3, for example 31")
        }
        try Blur.checkSize(size, h: h, w: w)
        try Validate.range(intensity, "intensity", 0, 1)
        return try Convolution(shape: shape, kernel: trajectoryKernel(size: size, intensity: intensity, using: &rng),
                               name: "blur motion size=\(size) intensity=\(intensity)")
    }
}
