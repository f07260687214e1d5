@preconcurrency import Glibc
import Foundation
import TensorCore
import Workbench
import Evaluation
import Samplers

AllocatorPolicy.reuseFreedBlocks()

setvbuf(stdout, nil, _IOLBF, 0)

/// `red-tune PRIOR …`: finds a prior's recommended sampler settings on the training photos.
do {
    let options = try TuneOptions.parse(Array(CommandLine.arguments.dropFirst()))
    guard let stdlib = Stdlib.locate() else { throw EvaluationError.input("red-tune: no Stdlib folder found (set RED_STDLIB)") }
    let start = Date()
    print("red-tune: \(options.prior), \(options.crops) crop(s) of \(options.side)² per task, methods \(options.methods.joined(separator: ","))")
    let tuner = try Tuner(options: options, stdlib: stdlib)
    tuner.sweepAll()
    try tuner.write()
    if options.trajectories { try tuner.trajectories() }
    print("red-tune: chosen settings \(RecommendedSettings(table: tuner.chosen).json); wrote \(options.out)/ in \(Int(Date().timeIntervalSince(start))) s")
} catch let e as EvaluationError {
    FileHandle.standardError.write(Data("red-tune: \(e)\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("red-tune: \(error)\n".utf8))
    exit(1)
}
