import Foundation

/// The id a front end gives a request; every event of that request carries it back.
public enum RequestID: Sendable, Equatable, Decodable {
    case number(Int)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
    }

    var json: Any {
        switch self {
        case let .number(n): return n
        case let .text(s): return s
        }
    }
}

/// One request of the front-end protocol (`red --kernel`, `Docs/kernel-protocol.md`): a JSON
/// object on one line, such as `{"id": 1, "type": "execute", "code": "load \"x.png\""}`.
public struct KernelRequest: Sendable, Equatable {
    /// The kinds of request.
    public enum Kind: String, Sendable, CaseIterable {
        /// Run `code` in the session.
        case execute
        /// Completions of the word before `cursor` in `code`.
        case complete
        /// `help` text of the command at `cursor` in `code`.
        case inspect
        /// Whether `code` is a whole input or needs more lines (an open `{` or `[`).
        case isComplete = "is_complete"
    }

    public var id: RequestID?
    public var kind: Kind
    public var code: String
    /// A position in `code`, counted in Unicode scalars (code points, as Jupyter counts).
    public var cursor: Int?

    public init(id: RequestID?, kind: Kind, code: String, cursor: Int? = nil) {
        self.id = id
        self.kind = kind
        self.code = code
        self.cursor = cursor
    }

    /// Reads one request line.
    /// - Throws: `KernelRequest.Invalid` (with the request's id when it has one) saying what is wrong.
    public init(json line: String) throws(Invalid) {
        struct Wire: Decodable {
            var id: RequestID?
            var type: String?
            var code: String?
            var cursor: Int?
        }
        struct Fields: Decodable { var id: RequestID? }
        let data = Data(line.utf8)
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let object = try? JSONSerialization.jsonObject(with: data), object is [String: Any] else {
            throw Invalid(id: nil, message: "a request is one JSON object per line, e.g. {\"id\": 1, \"type\": \"execute\", \"code\": \"show\"}")
        }
        guard let id = (try? JSONDecoder().decode(Fields.self, from: data)).map(\.id) else {
            throw Invalid(id: nil, message: "'id' must be a string or an integer")
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: data) else {
            throw Invalid(id: id, message: "'type' and 'code' must be strings and 'cursor' a non-negative integer (Unicode scalars from the start of 'code')")
        }
        guard let type = wire.type else { throw Invalid(id: id, message: "missing 'type'; expected one of \(kinds)") }
        guard let kind = Kind(rawValue: type) else { throw Invalid(id: id, message: "unknown request type '\(type)'; expected one of \(kinds)") }
        guard let code = wire.code else { throw Invalid(id: id, message: "'\(type)' needs 'code' (a string)") }
        if let c = wire.cursor, c < 0 { throw Invalid(id: id, message: "'cursor' must be a non-negative integer (Unicode scalars from the start of 'code')") }
        self.init(id: id, kind: kind, code: code, cursor: wire.cursor)
    }

    /// A request line that could not be read.
    public struct Invalid: Error, Sendable, Equatable {
        public var id: RequestID?
        public var message: String
    }
}

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
    public var file: String
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
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
