import Foundation

/// One event of the front-end protocol: a JSON object on one line of standard output.
public enum KernelEvent: Sendable, Equatable {
    /// The first line: the interface is ready for requests.
    case ready(version: String)
    /// Text for `stdout` (results, tables as text) or `stderr` (notes, warnings).
    case stream(id: RequestID?, name: String, text: String)
    /// Rich output, as a MIME bundle (`image/png` base64, `image/svg+xml`, `text/html`, `text/plain`).
    case display(id: RequestID?, Display)
    /// A progress line; `progressID` names the line, so later reports replace it.
    case progress(id: RequestID?, progressID: String, ProgressReport)
    /// An error of a statement (or each syntax error of a cell), with its position in the code.
    case error(id: RequestID?, KernelError)
    /// The request ended; the fields depend on its kind.
    case done(id: RequestID?, KernelReply)

    /// The protocol's version, in the `ready` event.
    public static let protocolVersion = 1

    /// The event as a JSON object (keys sorted, so lines are stable).
    public var jsonObject: [String: Any] {
        var o: [String: Any]
        let requestID: RequestID?
        switch self {
        case let .ready(version):
            return ["type": "ready", "protocol": KernelEvent.protocolVersion, "version": version, "language": "red", "file_extension": ".red"]
        case let .stream(id, name, text):
            requestID = id
            o = ["type": "stream", "name": name, "text": text]
        case let .display(id, d):
            requestID = id
            o = ["type": "display", "data": d.mimeBundle, "metadata": d.mimeMetadata]
        case let .progress(id, pid, r):
            requestID = id
            o = ["type": "progress", "progress_id": pid, "label": r.label, "step": r.step, "total": r.total,
                 "loss": r.loss.isFinite ? r.loss : NSNull(), "loss_name": r.lossName,
                 "elapsed": (r.elapsed * 1000).rounded() / 1000, "done": r.done, "text": r.text]
        case let .error(id, e):
            requestID = id
            o = ["type": "error", "kind": e.kind, "file": e.file, "line": e.line, "column": e.column, "end_line": e.endLine,
                 "end_column": e.endColumn, "message": e.message, "suggestion": e.suggestion ?? NSNull(), "rendered": e.rendered]
        case let .done(id, reply):
            requestID = id
            o = reply.fields
            o["type"] = "done"
        }
        o["id"] = requestID?.json ?? NSNull()
        return o
    }

    /// The event as one line of JSON (no newline).
    public var json: String {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: jsonObject, options: options) else {
            return "{\"type\":\"done\",\"status\":\"error\",\"message\":\"an event could not be encoded\"}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// An error as data: where it is in the code, what it says, and the did-you-mean.
public struct KernelError: Sendable, Equatable {
    /// `syntax` (nothing ran), `runtime`, `input` (a file could not be read) or `output` (not written).
    public var kind: String
    /// The source's name: `<cell>` for the request's code, a script's for an error inside `run`.
    public var file: String
    /// Where the range starts and ends: 1-based lines, columns in characters.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// The message, with its "did you mean".
    public var message: String
    /// The suggestion of a "did you mean 'x'?" message.
    public var suggestion: String?
    /// `FILE:LINE:COL: error: message` with the source line and a caret under the range.
    public var rendered: String
}

/// The last event of a request.
public enum KernelReply: Sendable, Equatable {
    /// `execute`: `ok` or `error`; `quit` when the code ended the session (the process exits).
    case executed(ok: Bool, quit: Bool)
    /// `complete`: the words that may replace `code[cursorStart..<cursorEnd]`.
    case completions(matches: [String], cursorStart: Int, cursorEnd: Int)
    /// `inspect`: the `help` text of the command at the cursor, if there is one.
    case inspection(found: Bool, text: String)
    /// `is_complete`: `complete`, `incomplete` (an open `{` or `[`) or `invalid`.
    case completeness(String)
    /// A request that could not be read or run.
    case failed(String)

    var fields: [String: Any] {
        switch self {
        case let .executed(ok, quit):
            var f: [String: Any] = ["status": ok ? "ok" : "error"]
            if quit { f["quit"] = true }
            return f
        case let .completions(matches, start, end):
            return ["status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end]
        case let .inspection(found, text):
            return ["status": "ok", "found": found, "text": text]
        case let .completeness(state):
            return ["status": "ok", "state": state]
        case let .failed(message):
            return ["status": "error", "message": message]
        }
    }
}
