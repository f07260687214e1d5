@preconcurrency import Glibc
import Foundation
import TensorCore

AllocatorPolicy.reuseFreedBlocks()

setvbuf(stdout, nil, _IOLBF, 0)   // line-buffered, so progress shows in logs

/// `red-bench [--quick] [area…]`: runs the named benchmark areas (all when none is named).
///
/// Each area is one file `Bench+<Area>.swift` exposing `func bench<Area>(quick: Bool)`; register
/// it with one line in `areas`. Each area prints a heading (`Report.section`) and its results, with
/// ratios measured in the same run (`Timing.bestInterleaved`), never stored numbers.
let areas: [(name: String, run: (Bool) -> Void)] = [
    ("tensor", benchTensor),
    ("operators", benchOperators),
    ("networks", benchNetworks),
    ("conv-kernels", benchConvKernels),
    ("denoisers", benchDenoisers),
    ("posterior", { quick in for d in [8, 80] { do { try benchExactPosterior(dim: d, quick: quick) } catch { print("D=\(d): \(error)") } } }),
    ("restoration", { quick in do { try benchImageRestoration(quick: quick) } catch { print("restoration: \(error)") } }),
    ("denoiser-priors", benchDenoiserPriors),
    ("composite", benchComposite),
    ("priors", benchPriors),
    ("samplers", benchSamplers),
    ("efficiency", benchEfficiency),
    ("neural", benchNeuralPrior),
    ("large", benchLarge),
    ("unet-candidates", benchUNetCandidates),
    ("quality", benchQuality),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: red-bench [--quick] [area…]
          --quick   fewer repetitions and smaller sizes (a smoke run)
          areas:    \(areas.map(\.name).joined(separator: ", ")) (default: all)
        """)
    exit(0)
}
let quick = arguments.contains("--quick")
let requested = arguments.filter { !$0.hasPrefix("-") }
if let unknown = arguments.first(where: { $0.hasPrefix("-") && $0 != "--quick" }) {
    FileHandle.standardError.write(Data("red-bench: unknown option '\(unknown)' (try --help)\n".utf8))
    exit(64)
}
for name in requested where !areas.contains(where: { $0.name == name }) {
    FileHandle.standardError.write(Data("red-bench: unknown area '\(name)'; areas: \(areas.map(\.name).joined(separator: ", "))\n".utf8))
    exit(64)
}
print("red-bench\(quick ? " --quick" : ""): \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS \(BLAS.coreName) kernel, one core per GEMM call")
for area in areas where requested.isEmpty || requested.contains(area.name) {
    area.run(quick)   // each area prints its own "== name ==" heading
}
