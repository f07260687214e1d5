import Foundation
import Testing
@testable import TensorCore

@Suite("Metrics")
struct MetricsTests {
    struct Pair: Decodable { let reference: String, distorted: String, psnr: Double, ssim: Double, mse: Double }
    struct Expected: Decodable { let pairs: [Pair] }

    static let expected: [Pair] = {
        guard let data = FileManager.default.contents(atPath: fixturePath("metrics/expected.json")),
              let e = try? JSONDecoder().decode(Expected.self, from: data) else { return [] }
        return e.pairs
    }()

    @Test("The fixture lists six pairs")
    func fixtureLoads() { #expect(Self.expected.count == 6) }

    @Test("PSNR, SSIM and MSE match scikit-image to 1e-4", arguments: expected)
    func matchesFixture(pair: Pair) throws {
        let a = try Image.load(path: fixturePath("metrics/" + pair.reference))
        let b = try Image.load(path: fixturePath("metrics/" + pair.distorted))
        #expect(a.shape[1] == 64 && a.shape[2] == 64)
        #expect(a.shape[0] == (pair.reference.hasPrefix("astronaut") ? 3 : 1))
        #expect(abs(try Metrics.mse(a, b) - pair.mse) < 1e-7)
        #expect(abs(try Metrics.psnr(a, b) - pair.psnr) < 1e-4)
        #expect(abs(try Metrics.ssim(a, b) - pair.ssim) < 1e-4)
        #expect(abs(try Metrics.ssim(b, a) - pair.ssim) < 1e-4)   // symmetric
    }

    @Test("SSIM equals a direct 2-D windowed computation")
    func ssimMatchesDirect() throws {
        let x = testImage(c: 2, h: 17, w: 23, seed: 4)
        var rng = SeededGenerator(seed: 5)
        let y = (x + Random.normal(x.shape, using: &rng) * 0.1).clamped(0, 1)
        let g = Metrics.gaussianWindow()
        var total = 0.0
        for p in 0..<2 {
            let xs = x.item(p), ys = y.item(p)
            var sum = 0.0
            for i in 0..<(17 - 10) {
                for j in 0..<(23 - 10) {
                    var mx = 0.0, my = 0.0, mxx = 0.0, myy = 0.0, mxy = 0.0
                    for u in 0..<11 { for v in 0..<11 {
                        let wt = g[u] * g[v], a = Double(xs[i + u, j + v]), b = Double(ys[i + u, j + v])
                        mx += wt * a; my += wt * b; mxx += wt * a * a; myy += wt * b * b; mxy += wt * a * b
                    } }
                    let vx = mxx - mx * mx, vy = myy - my * my, vxy = mxy - mx * my
                    sum += (2 * mx * my + 1e-4) * (2 * vxy + 9e-4) / ((mx * mx + my * my + 1e-4) * (vx + vy + 9e-4))
                }
            }
            total += sum / Double(7 * 13)
        }
        #expect(abs(try Metrics.ssim(x, y) - total / 2) < 1e-10)
    }

    @Test("Identical images: PSNR is infinite, SSIM is 1")
    func identical() throws {
        let x = testImage(c: 3, h: 16, w: 16)
        #expect(try Metrics.psnr(x, x) == .infinity)
        #expect(abs(try Metrics.ssim(x, x) - 1) < 1e-12)
        #expect(abs(try Metrics.psnr(x, x + 0.1) - 20) < 1e-4)
    }

    @Test("Mismatched or too small images throw")
    func errors() {
        #expect(throws: TensorError.self) { try Metrics.psnr(Tensor.zeros([1, 4, 4]), Tensor.zeros([1, 4, 5])) }
        #expect(throws: TensorError.self) { try Metrics.ssim(Tensor.zeros([1, 10, 40]), Tensor.zeros([1, 10, 40])) }
        #expect(throws: TensorError.self) { try Metrics.ssim(Tensor.zeros([3, 16, 16]), Tensor.zeros([1, 16, 16])) }
        #expect(throws: TensorError.self) { try Metrics.psnr(Tensor.zeros([0]), Tensor.zeros([0])) }
    }
}
