import TensorCore
import Diffusion

/// The DDIM update shared by DDIM, DPS and ΠGDM (`Docs/algorithms.md` §3): from time t to the next
/// smaller visited time s (ᾱ_{−1} = 1), x_s = √ᾱ_s x̂0 + c1 z + c2 ε̂ with
/// c1 = η·√((1 − ᾱ_t/ᾱ_s)(1 − ᾱ_s)/(1 − ᾱ_t)), c2 = √(1 − ᾱ_s − c1²).
struct DDIMStep {
    let sqrtAlphaBarS: Float, c1: Float, c2: Float

    init(schedule: NoiseSchedule, t: Int, s: Int, eta: Double) {
        let at = schedule.alphaBar(t), as_ = schedule.alphaBar(s)
        let c1 = eta * ((1 - at / as_) * (1 - as_) / (1 - at)).squareRoot()
        self.c1 = Float(c1)
        c2 = Float(Swift.max(0, 1 - as_ - c1 * c1).squareRoot())
        sqrtAlphaBarS = Float(as_.squareRoot())
    }

    /// √ᾱ_s x̂0 + c1 z + c2 ε̂.
    func apply(x0: Tensor, z: Tensor, epsHat: Tensor) -> Tensor {
        var out = x0
        let a = sqrtAlphaBarS, c1 = c1, c2 = c2
        out.withUnsafeMutableBufferPointer { po in
            z.withUnsafeBufferPointer { pz in epsHat.withUnsafeBufferPointer { pe in
                for i in 0..<po.count { po[i] = a * po[i] + c1 * pz[i] + c2 * pe[i] }
            }}
        }
        return out
    }
}

/// The (t, s) pairs of a descending DDIM-style pass over `steps` grid times.
func descendingPairs(_ schedule: NoiseSchedule, steps: Int) -> [(t: Int, s: Int)] {
    let grid = schedule.timesteps(steps)
    return (0..<grid.count).reversed().map { (grid[$0], $0 == 0 ? -1 : grid[$0 - 1]) }
}

extension NoiseSource {
    /// One draw per solution, stacked `[n, item…]`.
    mutating func batch(_ n: Int, _ itemShape: [Int]) -> Tensor {
        Tensor.stacked((0..<n).map { next(item: $0, shape: itemShape) })
    }
}
