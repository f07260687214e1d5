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

    /// Echoed in every event of the request.
    public var id: RequestID?
    public var kind: Kind
    /// The cell: `.red` statements, several lines allowed.
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
        /// The request's id, when it could be read.
        public var id: RequestID?
        /// What is wrong, and what would fit.
        public var message: String
    }
}
