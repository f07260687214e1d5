import Testing
import TensorCore
@testable import Evaluation

@Suite("Smooth and textured regions")
struct RegionSplitTests {
    /// Left half flat, right half a checkerboard: the checkerboard (and the band next to it, within
    /// the window) is textured, the far left smooth; an error only on the right lowers only the
    /// textured PSNR, by the expected amount.
    @Test func splitFollowsGradientEnergy() {
        let h = 16, w = 32
        let truth = Tensor(shape: [2, h, w], scalars: (0..<(2 * h * w)).map { k in
            let i = (k / w) % h, j = k % w
            return j < w / 2 ? 0.5 : ((i + j) % 2 == 0 ? 0.2 : 0.8)
        })
        let split = RegionSplit(truth: truth)
        #expect(split.textured.filter { $0 }.count <= h * w / 2)
        for i in 0..<h {
            #expect(!split.textured[i * w + 0] && !split.textured[i * w + 5])
            #expect(split.textured[i * w + w - 1] && split.textured[i * w + w / 2 + 4])
        }
        // error 0.1 on every textured entry, none elsewhere: textured PSNR 20 dB, smooth ∞
        let estimate = Tensor(shape: truth.shape, scalars: (0..<truth.count).map { k in
            truth.scalars[k] + (split.textured[k % (h * w)] ? 0.1 : 0)
        })
        let (smooth, textured) = split.psnr(estimate, truth)
        #expect(smooth == .infinity)
        #expect(abs(textured - 20) < 1e-3)
    }
}
