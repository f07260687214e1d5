import TensorCore
import Diffusion

/// A sampler (or baseline) of the inverse problem, configured: the type is the sampler's options
/// and carries its algorithm. A new sampler is one type conforming to `Solver`, its options and
/// algorithm in one file, plus one entry in the language's command table.
public protocol Solver: Sendable, Equatable {
    /// The method's name as the language spells it (`reddiff`).
    static var name: String { get }

    /// Solves `problem` for `n` solutions batched through the prior; solution i draws its noise
    /// from `base.derived(i)` (see `Sampler.solve`).
    /// - Throws: `SamplerError` for options out of range, a missing prior or operator capability,
    ///   or divergence.
    func solve(_ problem: InverseProblem, n: Int, base: SeededGenerator, control: SolveControl) throws -> Solution

    /// The sampler's peak memory in bytes for the sizes in `memory` (without the allocator
    /// allowance); nil when the prior gives no estimate. See `Sampler.estimatedPeakBytes`.
    func peakBytes(_ memory: SolveMemory) -> Int?
}

extension Solver {
    /// Whether `other` is a solver of the same type with the same options.
    func isEqual(to other: any Solver) -> Bool { (other as? Self) == self }
}

/// Throws unless 1 ≤ steps ≤ maxSteps.
func checkSteps(_ steps: Int, maxSteps: Int, name: String = "steps") throws {
    guard steps >= 1, steps <= maxSteps else {
        throw SamplerError.invalidOption(name: name, value: "\(steps)", expected: "an integer in 1...\(maxSteps)")
    }
}

func checkNonNegative(_ name: String, _ v: Double) throws {
    guard v.isFinite, v >= 0 else { throw SamplerError.invalidOption(name: name, value: "\(v)", expected: "a number ≥ 0") }
}

func checkUnit(_ name: String, _ v: Double) throws {
    guard v.isFinite, v >= 0, v <= 1 else { throw SamplerError.invalidOption(name: name, value: "\(v)", expected: "a number in [0, 1]") }
}
