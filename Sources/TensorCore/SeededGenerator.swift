/// A fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same stream on every machine. Use `derived(_:)` to give each item of a
/// batch its own independent stream, so an output depends only on its own seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// The seed this generator was created with.
    public let seed: UInt64

    /// Creates a generator from a 64-bit seed.
    public init(seed: UInt64) {
        self.seed = seed
        var sm = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&sm); s1 = splitmix(&sm); s2 = splitmix(&sm); s3 = splitmix(&sm)
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @usableFromInline func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// An independent generator for stream `index` (for example item `index` of a batch).
    public func derived(_ index: Int) -> SeededGenerator {
        SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: index) &+ 0x632B_E59B_D9B4_E019)
    }
}

/// Random draws into tensors. Every function takes an explicit generator.
public enum Random {
    /// A uniform draw in [0, 1) with 24 random bits.
    @inlinable public static func uniform(using rng: inout some RandomNumberGenerator) -> Float {
        Float(rng.next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform draw in (0, 1) in double precision.
    @inlinable static func openUniform(using rng: inout some RandomNumberGenerator) -> Double {
        (Double(rng.next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw (Box–Muller in double precision).
    public static func normal(using rng: inout some RandomNumberGenerator) -> Float {
        let u1 = openUniform(using: &rng), u2 = openUniform(using: &rng)
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// A tensor of independent standard normal draws.
    public static func normal(_ shape: [Int], using rng: inout some RandomNumberGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let u1 = openUniform(using: &rng), u2 = openUniform(using: &rng)
            let r = (-2 * _log(u1)).squareRoot(), th = 2 * Double.pi * u2
            out[i] = Float(r * _cos(th))
            if i + 1 < n { out[i + 1] = Float(r * _sin(th)) }
            i += 2
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// A tensor of independent uniform draws in [lo, hi).
    public static func uniform(_ shape: [Int], in range: ClosedRange<Float> = 0...1, using rng: inout some RandomNumberGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = range.lowerBound + (range.upperBound - range.lowerBound) * uniform(using: &rng) }
        return Tensor(shape: shape, scalars: out)
    }

    /// A uniformly random integer in `0..<n`.
    public static func index(_ n: Int, using rng: inout some RandomNumberGenerator) -> Int {
        Int.random(in: 0..<n, using: &rng)
    }

    /// A random permutation of `0..<n` (Fisher–Yates).
    public static func permutation(_ n: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, Int(rng.next() % UInt64(i + 1))) } }
        return p
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Foundation
@usableFromInline func _log(_ x: Double) -> Double { Foundation.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Foundation.cos(x) }
@usableFromInline func _sin(_ x: Double) -> Double { Foundation.sin(x) }
#endif
