import TensorCore

/// Images drawn in a terminal with 24-bit colour half blocks (`▀`: foreground = upper pixel,
/// background = lower pixel), area-resized to fit the width.
enum TerminalImage {
    static func render(_ image: Tensor, columns: Int) -> String {
        var img = image
        let (_, h, w) = img.imageGeometry
        let cols = Swift.max(1, Swift.min(columns, w))
        var rows = Swift.max(2, Int((Double(h) * Double(cols) / Double(w)).rounded()))
        if rows % 2 == 1 { rows += 1 }
        if cols != w || rows != h { img = img.areaResized(height: rows, width: cols) }
        let c = img.shape[0]
        func rgb(_ i: Int, _ j: Int) -> (Int, Int, Int) {
            func v(_ ch: Int) -> Int { Int((Swift.min(Swift.max(img.scalars[(ch * rows + i) * cols + j], 0), 1) * 255).rounded()) }
            return c >= 3 ? (v(0), v(1), v(2)) : (v(0), v(0), v(0))
        }
        var out = ""
        for i in stride(from: 0, to: rows, by: 2) {
            for j in 0..<cols {
                let (r1, g1, b1) = rgb(i, j), (r2, g2, b2) = rgb(i + 1, j)
                out += "\u{1B}[38;2;\(r1);\(g1);\(b1)m\u{1B}[48;2;\(r2);\(g2);\(b2)m▀"
            }
            out += "\u{1B}[0m" + (i + 2 < rows ? "\n" : "")
        }
        return out
    }
}
