import Foundation

/// Rich output for a front end that can show it (a notebook): what `view`, `save grid`, `plot`,
/// `metrics`, `show` and `compare` hand to `Session.display` instead of terminal text.
public enum Display: Sendable, Equatable {
    /// A PNG image of `width` × `height` pixels; `title` names what it shows (`x`, `grid`, a plot's title).
    case image(png: [UInt8], width: Int, height: Int, title: String)
    /// An SVG drawing (plots, when gnuplot has no `pngcairo` terminal).
    case svg(String, title: String)
    /// A table, with its plain-text form.
    case table(Table)
}

/// A table for a front end: a header row, rows of formatted cells, and the same table as the
/// terminal prints it.
public struct Table: Sendable, Equatable {
    /// What the table is (`metrics`, `show`, `compare`).
    public var title: String
    /// The column names (all empty for a key-value table such as `show`).
    public var columns: [String]
    /// The cells, formatted as the terminal prints them, one array per row.
    public var rows: [[String]]
    /// The table as plain text (what the terminal shows; the fallback of rich front ends).
    public var text: String
    /// A note under the table, if any.
    public var note: String?

    public init(title: String, columns: [String], rows: [[String]], text: String, note: String? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.text = text
        self.note = note
    }

    /// A two-column table of `key  value` lines (the layout of `show`): a line's first word is
    /// its key; an indented `name: value` line is a row keyed by `name`.
    public static func keyValue(title: String, text: String) -> Table {
        var rows: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix(" "), let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                rows.append([key, String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)])
            } else if let space = line.firstIndex(of: " ") {
                rows.append([String(line[..<space]), String(line[space...]).trimmingCharacters(in: .whitespaces)])
            } else {
                rows.append([String(line), ""])
            }
        }
        return Table(title: title, columns: ["", ""], rows: rows, text: text)
    }
}
