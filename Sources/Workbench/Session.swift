import Foundation
import ScriptLang
import Samplers

/// What the session knows about where its output goes.
public struct Terminal: Sendable {
    /// Standard output is a terminal (images, plots, progress may use escape codes).
    public var isTerminal: Bool
    /// Columns of the terminal.
    public var width: Int
    public init(isTerminal: Bool = false, width: Int = 80) {
        self.isTerminal = isTerminal
        self.width = width
    }
}

/// The flag Ctrl-C sets; solvers poll it between steps.
public typealias Cancellation = Samplers.CancellationFlag

/// One interactive or scripted session: the state, the interpreter and its outputs.
///
/// Each top-level statement runs against the state and is undone when it fails, so a failed
/// statement never changes anything.
public final class Session {
    public var state: SessionState
    /// Standard output.
    public var output: (String) -> Void
    /// Notes (standard error), one line each.
    public var status: (String) -> Void
    /// Raw text for the progress bar (standard error, no newline added).
    public var progress: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    /// Rich output (images, plots, tables) for a front end that shows it; nil on a terminal
    /// or a pipe, where the same commands print text.
    public var display: ((Display) -> Void)?
    /// Structured progress of long commands, for a front end that draws its own progress line
    /// (the terminal bar is drawn only on a terminal, through `progress`).
    public var progressReport: ((ProgressReport) -> Void)?
    public var terminal: Terminal
    public let cancellation = Cancellation()
    /// The statements that succeeded, as written (for `save session`).
    public private(set) var history: [String] = []
    /// The seed the session started with (for `save session`).
    public private(set) var initialSeed: UInt64
    /// How deeply `def` calls and `run`s are nested now (both count).
    var callDepth = 0
    /// A `def` call stops beyond this many nested calls and runs.
    static let maxCallDepth = 64
    /// A `run` stops beyond this many nested runs and calls (each run parses a whole script).
    static let maxRunDepth = 16
    /// Set by a top-level solve that was interrupted: its statement is recorded with `stop=STEPS`.
    var recordedStop: Int?
    var gnuplotProcess: Gnuplot?
    /// Where `Stdlib/` was found (for `prior natural` and relative Stdlib paths).
    public var stdlibDirectory: String?
    /// The slice of top-level `for` loops this process runs (`red --shard K/N`); nil: all.
    public var shard: Shard?

    /// The result of running a source.
    public enum Outcome: Equatable {
        case success
        /// Syntax (or static) errors: nothing ran.
        case syntaxErrors([Diagnostic])
        /// A runtime error stopped it; statements before it kept their effect.
        case runtimeError(Diagnostic)
        /// `quit` was evaluated.
        case quit

        /// The sysexits status a script with this outcome exits with.
        public var exitStatus: Int32 {
            switch self {
            case .success, .quit: return 0
            case .syntaxErrors: return 65
            case let .runtimeError(d):
                switch d.kind {
                case .input: return 66
                case .output: return 74
                case .syntax: return 65
                case .runtime: return 70
                }
            }
        }
    }

    public init(seed: UInt64 = 0, terminal: Terminal = Terminal(), output: @escaping (String) -> Void = { print($0) },
                status: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        state = SessionState(seed: seed)
        initialSeed = seed
        self.terminal = terminal
        self.output = output
        self.status = status
    }

    /// Parses, checks and runs a source. Records succeeded statements when `record`.
    public func run(_ file: SourceFile, record: Bool = true) -> Outcome {
        let program = Parser.parse(file)
        let problems = program.diagnostics + check(program)
        if !problems.isEmpty { return .syntaxErrors(problems.sorted { $0.range.start < $1.range.start }) }
        for statement in program.statements {
            let saved = state
            recordedStop = nil
            do {
                try execute(statement, file: file)
                if record { history.append(recordedText(statement, file: file)) }
            } catch let f as PriorServerFailure {
                // a solve stopped by its prior server keeps its last iterate, as Ctrl-C does
                return .runtimeError(f.diagnostic)
            } catch var d as Diagnostic {
                state = saved
                if d.kind == .syntax { d.kind = .runtime }
                return .runtimeError(d)
            } catch is QuitRequest {
                return .quit
            } catch is InterruptRequest {
                // Ctrl-C: the interrupted solve keeps its iterate; the rest of the input is skipped
                if record { history.append(recordedText(statement, file: file)) }
                return .success
            } catch {
                state = saved
                var d = Diagnostic(.error, .failed("\(error)"), at: statement.range, in: file.name)
                d.kind = .runtime
                return .runtimeError(d)
            }
        }
        return .success
    }

    /// A succeeded statement as `save session` writes it: as typed, except that an interrupted
    /// top-level solve carries the steps it took (`stop=K`), so replaying it gives the same result.
    func recordedText(_ statement: Statement, file: SourceFile) -> String {
        let text = file.slice(statement.range)
        guard let k = recordedStop, case let .command(name, _, arguments, _) = statement, name == "solve" else { return text }
        if let stop = arguments.first(where: { $0.key == "stop" }) {
            return text.replacingOccurrences(of: file.slice(stop.range), with: "stop=\(k)")
        }
        return text + " stop=\(k)"
    }

    /// Runs text (a line at the prompt, `-e`, or a whole script).
    public func run(_ text: String, name: String, record: Bool = true) -> Outcome {
        run(SourceFile(name: name, text: text), record: record)
    }

    /// Loads `.red` files without recording them (the standard library).
    public func load(path: String) -> Outcome {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .runtimeError(Diagnostic(.error, .failed("cannot read '\(path)'"), at: SourceRange(start: .init(offset: 0, line: 1, column: 1), end: .init(offset: 0, line: 1, column: 1)), in: path))
        }
        return run(SourceFile(name: path, text: text), record: false)
    }

    /// Sets the seed for everything random; the session script records it.
    public func setSeed(_ seed: UInt64) {
        state.seed = seed
        state.draws = 0
        if history.isEmpty { initialSeed = seed }
    }

    /// The `save session` script: the seed, then every statement that succeeded.
    public var sessionScript: String {
        (["# red session", "set seed=\(initialSeed)"] + history).joined(separator: "\n") + "\n"
    }

    /// Ends the gnuplot process, if any.
    public func close() {
        gnuplotProcess?.close()
        gnuplotProcess = nil
    }

    deinit { gnuplotProcess?.close() }
}
