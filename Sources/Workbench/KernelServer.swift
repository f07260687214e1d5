import Foundation
import ScriptLang

/// The front-end protocol of `red --kernel` (`Docs/kernel-protocol.md`): reads requests, one
/// JSON object per line, runs them one at a time against one session, and sends events, one JSON
/// object per line, the last of each request being `done`.
///
/// It is the one place that knows how to talk to a front end (the Jupyter kernel, an editor): it
/// sets the session's `output`, `status`, `display` and `progressReport` hooks and turns what
/// they receive into events. Interrupting is the process's: SIGINT sets `session.cancellation`.
///
/// ```swift
/// let kernel = KernelServer(session: session) { line in print(line) }
/// kernel.start(version: "0.1.0")                                  // {"type":"ready",…}
/// kernel.handle(line: #"{"id":1,"type":"execute","code":"print hi"}"#)
/// // {"id":1,"name":"stdout","text":"hi\n","type":"stream"}
/// // {"id":1,"status":"ok","type":"done"}
/// ```
public final class KernelServer {
    /// The session every request runs in.
    public let session: Session
    let send: (String) -> Void
    /// The request being handled.
    var current: RequestID?
    /// The open progress line: its id and last report.
    var progressLine: (id: String, last: ProgressReport)?
    var progressCount = 0
    /// The name diagnostics give the code of an `execute` request.
    public static let sourceName = "<cell>"

    /// A kernel on `session`; `send` receives each event as one line of JSON (without newline).
    public init(session: Session, send: @escaping (String) -> Void) {
        self.session = session
        self.send = send
        session.terminal = Terminal(isTerminal: false, width: 100)
        session.output = { [weak self] text in self?.emit(.stream(id: self?.current, name: "stdout", text: text + "\n")) }
        session.status = { [weak self] text in self?.emit(.stream(id: self?.current, name: "stderr", text: text + "\n")) }
        session.progress = { _ in }
        session.display = { [weak self] d in self?.emit(.display(id: self?.current, d)) }
        session.progressReport = { [weak self] r in self?.report(r) }
    }

    func emit(_ event: KernelEvent) { send(event.json) }

    /// Sends the `ready` event.
    public func start(version: String) { emit(.ready(version: version)) }

    /// Handles one request line; returns false when the session ended (`quit`).
    @discardableResult
    public func handle(line: String) -> Bool {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return true }
        do {
            return handle(try KernelRequest(json: line))
        } catch {
            emit(.done(id: error.id, .failed(error.message)))
            return true
        }
    }

    /// Handles one request: its events, then `done`. Returns false when the session ended.
    @discardableResult
    public func handle(_ request: KernelRequest) -> Bool {
        current = request.id
        defer { current = nil }
        switch request.kind {
        case .execute:
            let reply = execute(request.code)
            emit(.done(id: request.id, reply))
            if case .executed(_, quit: true) = reply { return false }
        case .complete:
            emit(.done(id: request.id, complete(request.code, cursor: request.cursor)))
        case .inspect:
            emit(.done(id: request.id, inspect(request.code, cursor: request.cursor)))
        case .isComplete:
            let program = Parser.parse(SourceFile(name: KernelServer.sourceName, text: request.code))
            emit(.done(id: request.id, .completeness(program.needsMoreInput ? "incomplete" : program.diagnostics.isEmpty ? "complete" : "invalid")))
        }
        return true
    }

    /// Runs a cell: errors as `error` events; the session is unchanged by a failed statement.
    func execute(_ code: String) -> KernelReply {
        session.cancellation.reset()
        let source = SourceFile(name: KernelServer.sourceName, text: code)
        let outcome = session.run(source)
        closeProgress()
        switch outcome {
        case .success: return .executed(ok: true, quit: false)
        case .quit: return .executed(ok: true, quit: true)
        case let .syntaxErrors(ds):
            for d in ds { emit(.error(id: current, KernelError(d, source: source))) }
            return .executed(ok: false, quit: false)
        case let .runtimeError(d):
            emit(.error(id: current, KernelError(d, source: source)))
            return .executed(ok: false, quit: false)
        }
    }

    /// A progress report: a new line when the label changes or the previous line is done.
    func report(_ r: ProgressReport) {
        if progressLine == nil || progressLine?.last.label != r.label || (progressLine?.last.step ?? 0) > r.step {
            closeProgress()
            progressCount += 1
            progressLine = ("p\(progressCount)", r)
        }
        guard let id = progressLine?.id else { return }
        emit(.progress(id: current, progressID: id, r))
        progressLine = r.done ? nil : (id, r)
    }

    /// Marks the open progress line done (a command that ended without a final report).
    func closeProgress() {
        guard let (id, last) = progressLine else { return }
        var r = last
        r.done = true
        progressLine = nil
        emit(.progress(id: current, progressID: id, r))
    }
}

extension KernelError {
    /// The error event of a diagnostic of `source`.
    init(_ d: Diagnostic, source: SourceFile) {
        switch d.kind {
        case .syntax: kind = "syntax"
        case .runtime: kind = "runtime"
        case .input: kind = "input"
        case .output: kind = "output"
        }
        file = d.file
        line = d.range.start.line
        column = d.range.start.column
        endLine = d.range.end.line
        endColumn = d.range.end.column
        message = d.message
        suggestion = KernelError.suggestion(in: d.message)
        rendered = DiagnosticRenderer(showExcerpt: true, useColor: false).render(d, source: source)
    }

    /// The word of a message's "did you mean 'x'?", if any.
    static func suggestion(in message: String) -> String? {
        guard let start = message.range(of: "did you mean '", options: .backwards),
              let end = message.range(of: "'?", range: start.upperBound..<message.endIndex) else { return nil }
        return String(message[start.upperBound..<end.lowerBound])
    }
}
