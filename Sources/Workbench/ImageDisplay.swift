import Foundation
import TensorCore
import Degradations

extension Session {
    /// A value as a picture in [0, 1] `[C, H, W]`, or nil when it is not image data.
    /// y is shown as the measurement looks: masked pixels black, downsampled y upscaled by
    /// pixel replication to x's size (unless `upscaled` is false: files keep y's size), |FFT| of phase retrieval on a log scale (centred).
    func picture(of d: Datum, isMeasurement: Bool = false, upscaled: Bool = true) -> Tensor? {
        let item = d.first
        if isMeasurement, state.chain.last?.kind.role == .phase, item.rank == 3 {
            return logMagnitude(item)
        }
        guard d.isImage, item.rank == 3 else { return nil }
        var img = ((item + 1) * 0.5).clamped(0, 1)
        if isMeasurement, state.observedFrom == nil, let x = state.x, x.isImage {
            if state.chain.last?.kind.role == .mask, let m = try? lastMask(x.itemShape) { img *= m }
            let (_, xh, xw) = x.tensor.imageGeometry
            let (_, yh, yw) = img.imageGeometry
            if upscaled, yh < xh, yw < xw {
                img = xh % yh == 0 && xw % yw == 0 && xh / yh == xw / yw ? replicated(img, factor: xh / yh) : img.areaResized(height: xh, width: xw)
            }
        }
        return img
    }

    /// The 0/1 mask of the chain's last step (when it is a mask) for images of `shape`.
    func lastMask(_ shape: [Int]) throws -> Tensor? {
        guard let step = state.chain.last else { return nil }
        var inShape = shape
        if state.chain.count > 1 {
            // the mask acts on the previous output
            var s = shape
            for st in state.chain.dropLast() { s = try buildPart(st, shape: s).outputShape }
            inShape = s
        }
        guard let m = try buildPart(step, shape: inShape) as? Mask else { return nil }
        return m.mask
    }

    /// Nearest-neighbour upscaling by an integer factor.
    func replicated(_ img: Tensor, factor f: Int) -> Tensor {
        let (c, h, w) = img.imageGeometry
        var out = [Float](repeating: 0, count: c * h * f * w * f)
        for ci in 0..<c {
            for i in 0..<(h * f) {
                for j in 0..<(w * f) { out[(ci * h * f + i) * w * f + j] = img.scalars[(ci * h + i / f) * w + j / f] }
            }
        }
        return Tensor(shape: [c, h * f, w * f], scalars: out)
    }

    /// log(1 + |y|) scaled to [0, 1], with the zero frequency moved to the centre.
    func logMagnitude(_ y: Tensor) -> Tensor {
        let (c, h, w) = y.imageGeometry
        var out = [Float](repeating: 0, count: y.count)
        for ci in 0..<c {
            for i in 0..<h {
                for j in 0..<w {
                    let v = log1p(abs(y.scalars[(ci * h + i) * w + j]))
                    out[(ci * h + (i + h / 2) % h) * w + (j + w / 2) % w] = v
                }
            }
        }
        let mx = out.max() ?? 1
        return Tensor(shape: [c, h, w], scalars: out.map { mx > 0 ? $0 / mx : 0 })
    }

    /// The tiles of the grid: x, y, then every named image, each with its label.
    func gridTiles() -> [(String, Tensor)] {
        var tiles: [(String, Tensor)] = []
        if let x = state.x, let p = picture(of: x) { tiles.append(("x", p)) }
        if let y = state.y, !state.yStale, let p = picture(of: y, isMeasurement: true) { tiles.append(("y", p)) }
        for name in state.order {
            if let d = state.values[name], let p = picture(of: d) { tiles.append((name, p)) }
        }
        return tiles
    }

    /// Tiles side by side on white, each under its label, resized to the height of x (or of the first result).
    func composeGrid(_ tiles: [(String, Tensor)]) -> Tensor? {
        // the height of x (or of the first result when x is unknown); y may be smaller (super-resolution)
        guard let first = (tiles.first { $0.0 != "y" } ?? tiles.first)?.1 else { return nil }
        let (_, th, _) = first.imageGeometry
        let channels = tiles.contains { $0.1.shape[0] == 3 } ? 3 : 1
        let scale = Swift.max(2, th / 48)
        let label = 5 * scale + 4 * scale, gap = 4
        let prepared: [(String, Tensor)] = tiles.map { name, t in
            var img = t
            let (c, h, w) = img.imageGeometry
            if h != th { img = img.areaResized(height: th, width: Swift.max(1, w * th / h)) }
            if c == 1, channels == 3 { img = Tensor.concatenated([img, img, img]) }
            return (name, img)
        }
        let widths = prepared.map { Swift.max($0.1.shape[2], BitmapFont.width($0.0, scale: scale)) }
        let W = widths.reduce(0, +) + gap * (prepared.count + 1), H = th + label + 2 * gap
        var canvas = Tensor(shape: [channels, H, W], repeating: 1)
        var left = gap
        for ((name, img), tw) in zip(prepared, widths) {
            BitmapFont.draw(name, into: &canvas, left: left, top: gap, scale: scale)
            let (_, h, w) = img.imageGeometry
            let top = gap + label
            for ci in 0..<channels {
                for i in 0..<h {
                    for j in 0..<w { canvas.scalars[(ci * H + top + i) * W + left + j] = img.scalars[(ci * h + i) * w + j] }
                }
            }
            left += tw + gap
        }
        return canvas
    }
}
