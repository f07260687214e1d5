import Foundation

extension Display {
    /// The display as a Jupyter MIME bundle: `image/png` (base64) or `image/svg+xml`, or
    /// `text/html`, each with a `text/plain` fallback.
    public var mimeBundle: [String: String] {
        switch self {
        case let .image(png, width, height, title):
            return ["image/png": Data(png).base64EncodedString(), "text/plain": "<\(title): \(width)x\(height) image>"]
        case let .svg(svg, title):
            return ["image/svg+xml": svg, "text/plain": "<\(title): plot>"]
        case let .table(t):
            return ["text/html": t.html, "text/plain": t.text]
        }
    }

    /// Per-type metadata: a PNG's size in pixels.
    public var mimeMetadata: [String: [String: Int]] {
        if case let .image(_, width, height, _) = self { return ["image/png": ["width": width, "height": height]] }
        return [:]
    }
}

extension Table {
    /// The table as HTML: a header row unless every column name is empty, the note below.
    public var html: String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        // a key-value table (no column names) has its keys as row headers; text reads left-aligned
        let keyed = !columns.contains(where: { !$0.isEmpty })
        let left = " style=\"text-align:left\""
        var out = "<table class=\"red-\(esc(title))\">"
        if !keyed {
            out += "<thead><tr>" + columns.enumerated().map { i, c in "<th\(i == 0 ? left : "")>\(esc(c))</th>" }.joined() + "</tr></thead>"
        }
        out += "<tbody>"
        for row in rows {
            out += "<tr>" + row.enumerated().map { i, cell in
                keyed && i == 0 ? "<th\(left)>\(esc(cell))</th>" : "<td\(keyed || i == 0 ? left : "")>\(esc(cell))</td>"
            }.joined() + "</tr>"
        }
        out += "</tbody></table>"
        if let note { out += "<p><em>\(esc(note))</em></p>" }
        return out
    }
}
