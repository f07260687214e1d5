import Foundation
import TensorCore

extension MotionBlurFit {
    /// One scored line kernel.
    struct Candidate {
        let length: Int
        let angle: Double
        let score: Double
    }

    /// The coarse-to-fine search over lengths and angles.
    struct Search {
        let model: Likelihood
        let lengths: ClosedRange<Int>
        let settings: Settings

        /// Scores line kernels of `length` at `angles` (concurrently over the kernels).
        func score(_ pairs: [(length: Int, angle: Double)]) -> [Candidate] {
            let powers = model.kernelPowers(pairs.map { MotionBlur.lineKernel(length: $0.length, angle: $0.angle) })
            var scores = [Double](repeating: 0, count: pairs.count)
            scores.withUnsafeMutableBufferPointer { out in
                let o = UncheckedSendable(out.baseAddress!)
                Parallel.forEach(pairs.count) { i in o.value[i] = model.negativeLogLikelihood(powers[i]) }
            }
            return zip(pairs, scores).map { Candidate(length: $0.length, angle: normalized($0.angle), score: $1) }
        }

        /// The coarse angle step for `length`: a line kernel's zeros lie 1/L apart along the
        /// motion direction, and turning it by δ moves them by up to δ/2 cycles per pixel at the
        /// spectrum's edge, so steps of about 1/L rad (capped at 6°) keep the nearest grid angle
        /// within a quarter of that spacing.
        func angleStep(_ length: Int) -> Double {
            Swift.min(settings.maxAngleStep, settings.angleStepScale * 180 / (Double.pi * Double(length)))
        }

        /// The best candidate and the score gap to the best one more than 2 px or 10° away.
        func run(progress: ((Double) -> Void)?) -> (best: Candidate, margin: Double) {
            let total = Double(lengths.count + 2)
            var coarse = [Candidate]()
            for (done, length) in lengths.enumerated() {
                let step = angleStep(length)
                let count = Int((180 / step).rounded(.up))
                coarse += score((0..<count).map { (length, Double($0) * 180 / Double(count)) })
                progress?(Double(done + 1) / total)
            }
            coarse.sort { $0.score < $1.score }
            // Refine the best few distinct coarse candidates on a grid 4× finer, lengths ± 2.
            var seeds = [Candidate]()
            for c in coarse where seeds.count < settings.refineCandidates {
                if !seeds.contains(where: { near($0, c) }) { seeds.append(c) }
            }
            var pairs = [(length: Int, angle: Double)]()
            for s in seeds {
                let step = angleStep(s.length)
                for l in Swift.max(lengths.lowerBound, s.length - 2)...Swift.min(lengths.upperBound, s.length + 2) {
                    for k in -4...4 { pairs.append((l, s.angle + Double(k) * step / 4)) }
                }
            }
            var fine = score(pairs)
            progress?((total - 1) / total)
            let mid = fine.min { $0.score < $1.score } ?? coarse[0]
            let last = angleStep(mid.length) / 16
            fine += score((-3...3).map { (mid.length, mid.angle + Double($0) * last) })
            progress?(1)
            let all = (coarse + fine).sorted { $0.score < $1.score }
            let best = all[0]
            let rival = all.first { !near($0, best) }
            return (best, rival.map { $0.score - best.score } ?? 0)
        }

        /// Within 2 px and 10° (angles modulo 180°).
        func near(_ a: Candidate, _ b: Candidate) -> Bool {
            abs(a.length - b.length) <= 2 && angleDistance(a.angle, b.angle) <= 10
        }
    }

    /// The angle in [0, 180).
    static func normalized(_ angle: Double) -> Double {
        let a = angle.truncatingRemainder(dividingBy: 180)
        return a < 0 ? a + 180 : (a >= 180 ? 0 : a)
    }

    /// The distance between two line angles, modulo 180°, in [0, 90].
    public static func angleDistance(_ a: Double, _ b: Double) -> Double {
        let d = abs(normalized(a) - normalized(b))
        return Swift.min(d, 180 - d)
    }
}
