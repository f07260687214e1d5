import Foundation
import Evaluation

/// The command line of `red-tune`, with its defaults.
struct TuneOptions {
    var prior = ""
    var photos = ".cache/photos/png"
    var out = "Docs/tuning"
    var crops = 2
    var side = 64
    var scale = 256
    var seed: UInt64 = 1
    var methods = ["reddiff", "pigdm", "ddrm", "dps"]
    var tasks = EvaluationTask.linear
    var trajectories = false
    var resume: [String] = []
    var maxSteps = 250
    /// Which of RED-diff's stages run (`--stages`).
    var stages = Stages.all

    /// `--stages`: every stage, or one of RED-diff's optional stages alone against the prior's
    /// current settings.
    enum Stages: String, CaseIterable {
        /// Every method's whole sweep.
        case all
        /// Only RED-diff's warm start (`init=classical` on a time grid below tmax).
        case warm
        /// Only RED-diff's learning-rate schedules (`lrschedule=linear|cosine`, lr ×1, 2, 4).
        case schedule
        /// Only RED-diff's regulariser weighting f(r_t) (`weight=…`; λ ×¼, 1, 4 followed outwards,
        /// then ×½, ×2) and the step count around the winner (×¾, ×1½).
        case weighting
        /// Only a finer local search around the prior's current RED-diff settings: steps ×¾, ×1¼
        /// (within `--max-steps`), λ and lr ×√½, ×√2, one coordinate at a time, repeated while a
        /// round improves (at most three rounds). Meant for crops of the size the prior is used at.
        case refine
    }

    static let usage = """
        usage: red-tune PRIOR [--photos DIR] [--out DIR] [--crops N] [--side N] [--scale N] [--seed N]
                              [--methods reddiff,pigdm,ddrm,dps] [--tasks inpaint-70,sr4,…] [--max-steps N]
                              [--resume SWEEP.csv] [--trajectories] [--stages all|warm|schedule|weighting|refine]
          Sweeps the samplers' settings on seeded crops of the training photos (never the evaluation
          images) and writes the sweep (sweep.csv, summary.md, sweep.png) and the chosen settings
          (settings.json, for Scripts/set-prior-settings.py) to --out.
          --crops N      crops per task (default 2), each from a different photo
          --tasks LIST   default the linear tasks (inpaint-70, sr4, deblur-gauss, deblur-motion); phase and hdr
                         too (RED-diff and DPS; phase retrieval scored up to each channel's sign and point reflection)
          --side N       crop side (default 64); --scale N: photos are first resized to this shorter side (default 256)
          --max-steps N  RED-diff prefers the best setting with at most N steps (default 250) when it is within
                         0.5 dB of the best setting found
          --resume FILE  reuse the scores of an earlier sweep.csv made with the same prior, crops and seed, or the
                         mean scores of an earlier run's log (repeatable)
          --stages warm  only RED-diff's warm-start stage (init=classical on a time grid below tmax), scored against
                         the prior's current settings; the better of the two is written (default: all stages)
          --stages schedule  only RED-diff's learning-rate schedules (linear, cosine; lr ×1, 2, 4 at the current
                         steps), scored against the prior's current settings; the better is written
          --stages weighting  only RED-diff's regulariser weighting (every f(r_t), λ ×¼, 1, 4 followed outwards, then ×½, ×2) and
                         the step count ×¾, ×1½ around the current settings; the better is written
          --stages refine  only a finer local search around the current settings (steps ×¾, ×1¼ within --max-steps;
                         λ and lr ×√½, ×√2; repeated while a round improves), e.g. on crops of the size you restore at
          --trajectories also record RED-diff's PSNR trajectory at 1000 steps for lr 0.5, lr 0.1 and the chosen settings
        """

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws -> TuneOptions {
        var o = TuneOptions()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw EvaluationError.input("\(arguments[i - 1]) needs a value\n\(usage)") }
            return arguments[i]
        }
        func integer(_ s: String, min: Int) throws -> Int {
            guard let v = Int(s), v >= min else { throw EvaluationError.input("'\(s)' is not an integer ≥ \(min)") }
            return v
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--photos": o.photos = try value()
            case "--out": o.out = try value()
            case "--crops": o.crops = try integer(try value(), min: 1)
            case "--side": o.side = try integer(try value(), min: 16)
            case "--scale": o.scale = try integer(try value(), min: 16)
            case "--seed": o.seed = UInt64(try integer(try value(), min: 0))
            case "--methods":
                o.methods = try value().split(separator: ",").map(String.init)
                if let bad = o.methods.first(where: { !["reddiff", "pigdm", "ddrm", "dps"].contains($0) }) {
                    throw EvaluationError.input("unknown method '\(bad)'; choose from reddiff, pigdm, ddrm, dps")
                }
            case "--tasks":
                o.tasks = try value().split(separator: ",").map { name in
                    guard let t = EvaluationTask(rawValue: String(name)) else {
                        throw EvaluationError.input("unknown task '\(name)'; choose from \(EvaluationTask.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return t
                }
            case "--trajectories": o.trajectories = true
            case "--stages":
                let v = try value()
                guard let stages = Stages(rawValue: v) else {
                    throw EvaluationError.input("unknown stages '\(v)'; choose \(Stages.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                o.stages = stages
            case "--resume": o.resume.append(try value())
            case "--max-steps": o.maxSteps = try integer(try value(), min: 1)
            case "-h", "--help": throw EvaluationError.input(usage)
            case let s where s.hasPrefix("-"): throw EvaluationError.input("unknown option '\(s)'\n\(usage)")
            case let s:
                guard o.prior.isEmpty else { throw EvaluationError.input("one prior file, not '\(s)' too") }
                o.prior = s
            }
            i += 1
        }
        guard !o.prior.isEmpty else { throw EvaluationError.input(usage) }
        return o
    }
}
