import Foundation
import TensorCore

extension Session {
    /// An image `[C, H, W]` in [0, 1] as a PNG display, at its own resolution or `width` pixels wide
    /// (pixel replication for whole-number factors, else area resizing).
    func imageDisplay(_ image: Tensor, title: String, width: Int? = nil) throws -> Display {
        var img = image
        let (_, h, w) = img.imageGeometry
        if let width, width != w {
            let height = Swift.max(1, Int((Double(h) * Double(width) / Double(w)).rounded()))
            img = width > w && width % w == 0 && height == h * (width / w) ? replicated(img, factor: width / w) : img.areaResized(height: height, width: width)
        }
        let (_, ih, iw) = img.imageGeometry
        return .image(png: try Image.encode(img, format: .png), width: iw, height: ih, title: title)
    }

    /// A temporary file for a plot shown inline: `.png` when gnuplot has the `pngcairo` terminal
    /// (gnuplot-nox does), else `.svg`.
    func inlinePlotPath(_ a: Arguments) throws -> String {
        let (answer, _) = try runGnuplot("print strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? 'png' : 'svg'", a)
        let ext = answer.contains("png") ? "png" : "svg"
        return (NSTemporaryDirectory() as NSString).appendingPathComponent("red-plot-\(getpid())-\(UUID().uuidString).\(ext)")
    }

    /// The plot gnuplot wrote to `path` as a display: a PNG image (its size read from the header) or SVG text.
    func plotDisplay(_ path: String, title: String, _ a: Arguments) throws -> Display {
        let data = try attempt(a) { try Data(contentsOf: URL(fileURLWithPath: path)) }
        if path.hasSuffix(".svg") { return .svg(String(decoding: data, as: UTF8.self), title: title) }
        let bytes = [UInt8](data)
        guard let (width, height) = Session.pngSize(bytes) else { throw failure(a, "gnuplot wrote no PNG image") }
        return .image(png: bytes, width: width, height: height, title: title)
    }

    /// Width and height from a PNG's IHDR chunk.
    static func pngSize(_ png: [UInt8]) -> (Int, Int)? {
        guard png.count >= 24, png[0] == 0x89, png[1] == 0x50, png[12...15].elementsEqual("IHDR".utf8) else { return nil }
        func be(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }
}
