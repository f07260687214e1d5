/// A position in a source text: 0-based UTF-8 offset, 1-based line and column.
public struct SourcePosition: Sendable, Hashable, Comparable {
    public var offset: Int
    public var line: Int
    public var column: Int
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }
}

/// A half-open range `[start, end)` of a source text.
public struct SourceRange: Sendable, Hashable {
    public var start: SourcePosition
    public var end: SourcePosition
    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }
}

/// A named source text (a script file, `<stdin>`, `<prompt>` or `-e`).
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    /// UTF-8 bytes of `text`.
    public let bytes: [UInt8]
    /// Byte offsets where each line starts.
    let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The source text covered by `range` (clamped to the file).
    public func slice(_ range: SourceRange) -> String {
        let a = Swift.max(0, Swift.min(range.start.offset, bytes.count))
        let b = Swift.max(a, Swift.min(range.end.offset, bytes.count))
        return String(decoding: bytes[a..<b], as: UTF8.self)
    }

    /// The text of 1-based line `line`, without its newline.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let a = lineStarts[line - 1]
        var b = line < lineStarts.count ? lineStarts[line] : bytes.count
        while b > a, bytes[b - 1] == UInt8(ascii: "\n") || bytes[b - 1] == UInt8(ascii: "\r") { b -= 1 }
        return String(decoding: bytes[a..<b], as: UTF8.self)
    }
}
