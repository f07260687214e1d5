import ArgumentParser
import Foundation
import ScriptLang
import TensorCore
import Workbench

/// Exit statuses (sysexits).
enum ExitStatus: Int32 {
    /// Everything ran.
    case ok = 0
    /// Bad command line.
    case usage = 64
    /// The script has syntax errors; nothing ran.
    case dataError = 65
    /// An input file is missing or unreadable.
    case noInput = 66
    /// A runtime error stopped the script.
    case software = 70
    /// An output could not be written.
    case ioError = 74
}

struct Red: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "red",
        abstract: "Restore images with diffusion priors (RED-diff, DPS, ΠGDM, DDRM, DDIM).",
        discussion: """
            With no FILE and no -e, red starts an interactive prompt on a terminal, or reads \
            statements from standard input when it is not one. Type 'help' at the prompt.
            Exit status: 0 ok, 64 usage, 65 syntax errors (nothing ran), 66 missing input file, \
            70 runtime error, 74 output not writable.
            """,
        version: version)

    @ArgumentParser.Argument(help: "Scripts to run in order in one session.")
    var files: [String] = []

    @Option(name: .short, help: ArgumentHelp("Run one line (';' separates statements); repeatable.", valueName: "line"))
    var e: [String] = []

    @Option(help: "Seed for everything random.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Run the K-th of N disjoint slices of the scripts' top-level 'for' loops; CSV outputs get the suffix .shardK-of-N (Scripts/merge-results joins them).", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Serve front ends (the Jupyter kernel): JSON-lines requests on standard input, events on standard output (Docs/kernel-protocol.md).")
    var kernel = false

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard takes K/N with 1 ≤ K ≤ N, for example --shard 2/4; got '\(shard)'")
        }
        if kernel, !files.isEmpty || !e.isEmpty {
            throw ValidationError("--kernel takes no FILE or -e: the code comes in requests on standard input")
        }
    }

    func run() throws {
        let stdoutTTY = isatty(1) == 1, stdinTTY = isatty(0) == 1, stderrTTY = isatty(2) == 1
        let session = Session(seed: seed, terminal: Terminal(isTerminal: stdoutTTY, width: Console.columns()))
        let stdlib = Stdlib.locate()
        switch session.loadStdlib(stdlib) {
        case let .syntaxErrors(ds): Console.error(DiagnosticRenderer().render(ds, source: nil))
        case let .runtimeError(d): Console.error(d.description)
        case .success, .quit: break
        }
        session.shard = shard.flatMap { Shard(parsing: $0) }
        let renderer = DiagnosticRenderer(showExcerpt: stderrTTY, useColor: stderrTTY)
        defer { session.close() }
        Interrupts.install(session.cancellation)
        if kernel {
            KernelMode.run(session)
            return
        }

        if !files.isEmpty || !e.isEmpty {
            var sources: [SourceFile] = []
            for f in files {
                guard let text = try? String(contentsOfFile: f, encoding: .utf8) else {
                    Console.error("red: cannot read '\(f)': " + (FileManager.default.fileExists(atPath: f) ? "not readable" : "no such file"))
                    throw ExitCode(ExitStatus.noInput.rawValue)
                }
                sources.append(SourceFile(name: f, text: text))
            }
            sources += e.map { SourceFile(name: "-e", text: $0) }
            for source in sources {
                let outcome = session.run(source)
                let status = Red.report(outcome, source: source, renderer: renderer)
                if status != .ok { throw ExitCode(status.rawValue) }
                if case .quit = outcome { break }
            }
            return
        }
        if stdinTTY {
            REPL(session: session, renderer: renderer).run()
        } else {
            let status = Red.readStandardInput(session, renderer: renderer)
            if status != .ok { throw ExitCode(status.rawValue) }
        }
    }

    /// Prints an outcome's diagnostics; returns the exit status it stands for.
    static func report(_ outcome: Session.Outcome, source: SourceFile, renderer: DiagnosticRenderer) -> ExitStatus {
        switch outcome {
        case .success, .quit: return .ok
        case let .syntaxErrors(ds):
            Console.error(renderer.render(ds, source: source))
            return .dataError
        case let .runtimeError(d):
            Console.error(renderer.render(d, source: source))
            return ExitStatus(rawValue: outcome.exitStatus) ?? .software
        }
    }

    /// Statements from a pipe: like the prompt without prompt or echo; errors print and the
    /// session goes on; the status is that of the first error.
    static func readStandardInput(_ session: Session, renderer: DiagnosticRenderer) -> ExitStatus {
        var status = ExitStatus.ok
        var pending = "", startLine = 1, lineNo = 0
        while let line = readLine(strippingNewline: true) {
            lineNo += 1
            if pending.isEmpty { startLine = lineNo }
            pending += (pending.isEmpty ? "" : "\n") + line
            let source = SourceFile(name: "<stdin>", text: String(repeating: "\n", count: startLine - 1) + pending)
            if Parser.parse(source).needsMoreInput { continue }
            pending = ""
            let outcome = session.run(source)
            let s = report(outcome, source: source, renderer: renderer)
            if status == .ok { status = s }
            if case .quit = outcome { return status }
        }
        if !pending.isEmpty {
            let source = SourceFile(name: "<stdin>", text: String(repeating: "\n", count: startLine - 1) + pending)
            let s = report(session.run(source), source: source, renderer: renderer)
            if status == .ok { status = s }
        }
        return status
    }
}

AllocatorPolicy.reuseFreedBlocks()
Red.main()
