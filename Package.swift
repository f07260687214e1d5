// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "red",
    products: [
        .executable(name: "red", targets: ["red"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "Samplers", targets: ["Samplers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - C libraries
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),

        // MARK: - Libraries (one-way: TensorCore ← {Degradations, Diffusion} ← Samplers ← Workbench ← red)
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CPNG", "CFFTW", "CTurboJPEG", "CMalloc"]),
        .target(name: "Degradations", dependencies: ["TensorCore"]),
        .target(name: "Diffusion", dependencies: ["TensorCore"]),
        .target(name: "Denoisers", dependencies: ["TensorCore", "Diffusion"]),
        .target(name: "Samplers", dependencies: ["TensorCore", "Degradations", "Diffusion"]),
        .target(name: "Networks", dependencies: ["TensorCore", "Diffusion"]),
        .target(name: "RemotePriors", dependencies: ["TensorCore", "Diffusion"]),
        .target(name: "ScriptLang", dependencies: []),
        .target(name: "Workbench", dependencies: ["ScriptLang", "Samplers", "TensorCore", "Degradations", "Diffusion", "Denoisers", "Networks", "RemotePriors"]),
        .target(name: "Evaluation", dependencies: ["Workbench", "Samplers", "Degradations", "TensorCore"]),

        // MARK: - Executables
        .executableTarget(name: "red", dependencies: [
            "Workbench", "TensorCore", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "red-train", dependencies: ["TensorCore", "Diffusion"], path: "Sources/RedTrain"),
        .executableTarget(name: "red-train-unet", dependencies: ["TensorCore", "Networks"], path: "Sources/RedTrainUNet"),
        .executableTarget(name: "red-tune", dependencies: ["Evaluation", "Workbench", "Samplers", "TensorCore"], path: "Sources/RedTune"),
        .executableTarget(name: "red-bench", dependencies: ["TensorCore", "Degradations", "Diffusion", "Denoisers", "Samplers", "Networks", "Evaluation", "COpenBLAS"],
                          path: "Sources/RedBench"),

        // MARK: - Tests
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "COpenBLAS"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DegradationsTests", dependencies: ["Degradations", "TensorCore"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DenoisersTests", dependencies: ["Denoisers", "Diffusion", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SamplersTests", dependencies: ["Samplers", "Diffusion", "Degradations", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Diffusion", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RemotePriorsTests", dependencies: ["RemotePriors", "Diffusion", "Samplers", "Degradations", "TensorCore"]),
        .testTarget(name: "ScriptLangTests", dependencies: ["ScriptLang", "TensorCore"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Samplers", "Degradations", "TensorCore"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "ScriptLang"], exclude: ["Golden"]),
    ]
)
