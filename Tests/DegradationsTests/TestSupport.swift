import Foundation
import Degradations
import TensorCore

/// A named operator factory for table-driven tests.
struct OperatorCase: Sendable, CustomStringConvertible {
    let description: String
    let make: @Sendable () throws -> any ForwardOperator
    init(_ name: String, _ make: @escaping @Sendable () throws -> any ForwardOperator) {
        self.description = name
        self.make = make
    }
}

/// A small non-square RGB test shape.
let imageShape = [3, 16, 12]

/// Seeded standard-normal data.
func randn(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = SeededGenerator(seed: seed)
    return Random.normal(shape, using: &g)
}

/// A smooth deterministic test image in [-1, 1].
func testImage(_ shape: [Int]) -> Tensor {
    let c = shape[0], h = shape[1], w = shape[2]
    var t = Tensor.zeros(shape)
    for ch in 0..<c { for i in 0..<h { for j in 0..<w {
        let v: Double = Double(i * (ch + 1)) * 0.37 + Double(j * (ch + 2)) * 0.21
        let bump: Double = 0.1 * Double((i + j) % 3)
        t.scalars[(ch * h + i) * w + j] = Float(0.8 * sin(v) + bump)
    } } }
    return t
}

/// `‖a − b‖`.
func distance(_ a: Tensor, _ b: Tensor) -> Double { (a - b).squaredNorm().squareRoot() }

/// The direct 'same' 2-D convolution with zero boundary of every plane of `x` `[C, H, W]`:
/// `y[i, j] = Σ k[a, b] x[i − a + (kh − 1)/2, j − b + (kw − 1)/2]`.
func directConvolution(_ x: Tensor, kernel k: Tensor) -> Tensor {
    let c = x.shape[0], h = x.shape[1], w = x.shape[2], kh = k.shape[0], kw = k.shape[1]
    var y = Tensor.zeros(x.shape)
    for ch in 0..<c { for i in 0..<h { for j in 0..<w {
        var acc: Double = 0
        for a in 0..<kh { for b in 0..<kw {
            let si = i - a + (kh - 1) / 2, sj = j - b + (kw - 1) / 2
            if si >= 0 && si < h && sj >= 0 && sj < w { acc += Double(k.scalars[a * kw + b]) * Double(x.scalars[(ch * h + si) * w + sj]) }
        } }
        y.scalars[(ch * h + i) * w + j] = Float(acc)
    } } }
    return y
}

/// The outer product of two 1-D kernels as a 2-D kernel.
func outer(_ a: [Float], _ b: [Float]) -> Tensor {
    Tensor(shape: [a.count, b.count], scalars: a.flatMap { u in b.map { u * $0 } })
}

/// A dense positive kernel `[kh, kw]` (every tap nonzero), seeded.
func denseKernel(_ kh: Int, _ kw: Int, seed: UInt64) -> Tensor {
    randn([kh, kw], seed: seed).map { abs($0) + 0.05 }
}

/// Runs `body` with the path of a fresh file `name` in a new temporary folder that `write` fills;
/// the folder is removed afterwards.
func withTemporaryFile<R>(_ name: String, write: (String) throws -> Void, _ body: (String) throws -> R) throws -> R {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("red-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/" + name
    try write(path)
    return try body(path)
}

/// Writes `text` to `path` as UTF-8.
func writeText(_ text: String) -> (String) throws -> Void {
    { try text.write(toFile: $0, atomically: true, encoding: .utf8) }
}
