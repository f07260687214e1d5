import Degradations
import Foundation
import TensorCore

/// Every linear operator of the module, on small shapes.
let linearCases: [OperatorCase] = [
    OperatorCase("identity") { Identity(shape: imageShape) },
    OperatorCase("mask box") { try Mask.box(shape: imageShape, height: 6, width: 5, left: 3, top: 4) },
    OperatorCase("mask box default") { try Mask.box(shape: imageShape) },
    OperatorCase("mask random") { var g = SeededGenerator(seed: 1); return try Mask.random(shape: imageShape, fraction: 0.7, using: &g) },
    OperatorCase("mask freeform") { var g = SeededGenerator(seed: 2); return try Mask.freeform(shape: imageShape, using: &g) },
    OperatorCase("mask half left") { try Mask.half(shape: imageShape, side: .left) },
    OperatorCase("mask half bottom") { try Mask.half(shape: [3, 15, 12], side: .bottom) },
    OperatorCase("mask per-channel tensor") {
        try Mask(shape: imageShape, observed: randn(imageShape, seed: 9).map { $0 > 0 ? 1 : 0 })
    },
    OperatorCase("downsample 2") { try BlockAverage(shape: imageShape, factor: 2) },
    OperatorCase("downsample 4") { try BlockAverage(shape: imageShape, factor: 4) },
    OperatorCase("blur gaussian") { try Blur.gaussian(shape: imageShape, sigma: 1.5, size: 7) },
    OperatorCase("blur gaussian even size") { try Blur.gaussian(shape: imageShape, sigma: 2, size: 6) },
    OperatorCase("blur uniform") { try Blur.uniform(shape: imageShape, size: 5) },
    OperatorCase("chain blur, mask box (CG)") {
        try OperatorChain(inputShape: imageShape, parts: [try Blur.gaussian(shape: imageShape, sigma: 0.8, size: 5),
                                                          try Mask.box(shape: imageShape, height: 6, width: 5)])
    },
    OperatorCase("chain blur, mask half (separable SVD)") {
        try OperatorChain(inputShape: imageShape, parts: [try Blur.uniform(shape: imageShape, size: 3),
                                                          try Mask.half(shape: imageShape, side: .right)])
    },
    OperatorCase("chain blur, downsample 2 (separable SVD)") {
        try OperatorChain(inputShape: imageShape, parts: [try Blur.gaussian(shape: imageShape, sigma: 1, size: 5),
                                                          try BlockAverage(shape: imageShape, factor: 2)])
    },
    OperatorCase("chain identity, mask random, mask box") {
        var g = SeededGenerator(seed: 4)
        return try OperatorChain(inputShape: imageShape, parts: [Identity(shape: imageShape),
            try Mask.random(shape: imageShape, fraction: 0.3, using: &g), try Mask.box(shape: imageShape)])
    },
    OperatorCase("matrix") { try MatrixOperator(randn([5, 9], seed: 5)) },
    OperatorCase("downsample 2 bicubic") { try BicubicDownsample.make(shape: imageShape, factor: 2) },
    OperatorCase("downsample 4 bicubic") { try BicubicDownsample.make(shape: imageShape, factor: 4) },
    OperatorCase("colorize") { try Colorize(shape: imageShape) },
    OperatorCase("colorize gray") { try Colorize(shape: [1, 5, 4]) },
    OperatorCase("blur motion line (CG)") { try MotionBlur.line(shape: imageShape, length: 5, angle: 30) },
    OperatorCase("blur motion trajectory (CG)") {
        var g = SeededGenerator(seed: 8)
        return try MotionBlur.trajectory(shape: imageShape, size: 7, intensity: 0.5, using: &g)
    },
    // Kernel-file blurs (the CSV and PNG kernels have a dominant centre tap: well conditioned for CGLS).
    OperatorCase("blur kernel csv 5x5 direct (CG)") {
        try withTemporaryFile("psf.csv", write: writeText("0, 0, 1, 0, 0\n0, 1, 2, 1, 0\n# centre row\n1, 2, 20, 2, 1\n0, 1, 2, 1, 0\n0, 0, 1, 0, 0\n")) {
            try Blur.kernel(shape: imageShape, kernel: try BlurKernel.load(path: $0), name: "blur kernel psf.csv", method: .direct)
        }
    },
    OperatorCase("blur kernel png 4x7 even fft (CG)") {
        let codes = Tensor(shape: [1, 4, 7], scalars: (0..<28).map { Float($0 == 10 ? 255 : ($0 * 37) % 9) / 255 })
        return try withTemporaryFile("psf.png", write: { try Image.save(codes, to: $0) }) {
            try Blur.kernel(shape: imageShape, kernel: try BlurKernel.load(path: $0), name: "blur kernel psf.png", method: .fft)
        }
    },
    OperatorCase("blur kernel safetensors image-sized auto (CG)") {
        try withTemporaryFile("psf.safetensors", write: { try SafeTensors(tensors: ["kernel": denseKernel(16, 12, seed: 21)]).write(to: $0) }) {
            try Blur.kernel(shape: imageShape, kernel: try BlurKernel.load(path: $0), name: "blur kernel psf.safetensors")
        }
    },
    OperatorCase("blur kernel gray fft (CG)") {
        try Blur.kernel(shape: [1, 13, 10], kernel: denseKernel(6, 3, seed: 22), name: "blur kernel k", method: .fft)
    },
    OperatorCase("sense signed DCT") { var g = SeededGenerator(seed: 3); return try CompressedSensing(shape: imageShape, fraction: 0.25, using: &g) },
    OperatorCase("sense DCT") {
        var g = SeededGenerator(seed: 3)
        return try CompressedSensing(shape: imageShape, fraction: 0.5, transform: .dct, using: &g)
    },
    OperatorCase("sense rows=2 (uniform spectrum)") { var g = SeededGenerator(seed: 6); return try CompressedSensing.gaussianMatrix(rows: 2, dim: 8, using: &g) },
    OperatorCase("sense rows=12 gaussian") {
        var g = SeededGenerator(seed: 6)
        return try CompressedSensing.gaussianMatrix(rows: 12, dim: 8, spectrum: .gaussian, using: &g)
    },
    OperatorCase("chain blur, bicubic 2 (separable SVD)") {
        try OperatorChain(inputShape: imageShape, parts: [try Blur.gaussian(shape: imageShape, sigma: 1, size: 5),
                                                          try BicubicDownsample.make(shape: imageShape, factor: 2)])
    },
    OperatorCase("chain motion, colorize (CG)") {
        try OperatorChain(inputShape: imageShape, parts: [try MotionBlur.line(shape: imageShape, length: 3, angle: 0),
                                                          try Colorize(shape: imageShape)])
    },
]
