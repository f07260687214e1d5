import Foundation
import ScriptLang
import TensorCore
import Degradations

extension Session {
    /// The value called `name`: `x`, `y`, `result` (the last solve) or a named value.
    func value(_ name: String, _ a: Arguments, at r: SourceRange) throws -> (Datum, isMeasurement: Bool) {
        switch name {
        case "x": return (try requireX(a), false)
        case "y":
            return (try measuredY(a), true)
        case "result":
            guard let n = state.lastSolve, let d = state.values[n] else { throw failure(a, "no result yet: 'solve …' first", at: r) }
            return (d, false)
        default:
            guard let d = state.values[name] else {
                let names = ["x", "y", "result", "grid"] + state.order
                throw failure(a, "no value named '\(name)'\(DiagnosticMessage.suffix(EditDistance.suggestion(for: name, among: names)))", at: r)
            }
            return (d, false)
        }
    }

    func cmdSave(_ a: Arguments) throws {
        try a.atMost(2)
        let what = try a.positionalText(0, "what to save (result, x, y, grid, trace, session or a NAME)")
        let path = try a.positionalText(1, "a file name")
        let pr = a.positionals[1].range
        let ext = (path as NSString).pathExtension.lowercased()
        func write(_ body: () throws -> Void) throws { try attempt(a, at: pr, kind: .output, body) }
        let quality = a.has("quality") ? try a.integer("quality") : nil
        if quality != nil, !["jpg", "jpeg"].contains(ext) {
            throw failure(a, "'quality' applies to JPEG files (.jpg, .jpeg); '\(path)' is written losslessly", at: a.options["quality"]?.range)
        }
        switch what {
        case "session":
            try write { try AtomicFile.write(Data(sessionScript.utf8), to: path) }
        case "trace":
            guard let last = state.lastSolve, let trace = state.traces[last] else { throw failure(a, "no trace yet: 'solve …' first") }
            try write { try trace.writeCSV(to: path) }
        case "grid":
            guard let grid = composeGrid(gridTiles()) else { throw failure(a, "nothing to show: the grid holds x, y and the results when they are images") }
            try checkImageExtension(ext, a, pr)
            try write { try Image.save(grid, to: path, quality: quality) }
            if let display { display(try attempt(a) { try imageDisplay(grid, title: path) }) }
        default:
            let (d, isY) = try value(what, a, at: a.positionals[0].range)
            if ext == "safetensors" {
                var t = d.tensor
                if isY, let x = state.x, x.isImage, !d.isImage { t = d.tensor }
                if !d.isBatch, d.isImage == false, t.rank > 1 { t = t.reshaped([t.count]) }
                let tensor = t
                // every value is tensor "x"; y is also tensor "y", so `observe` reads it back
                let tensors = isY ? ["x": tensor, "y": tensor] : ["x": tensor]
                try write { try SafeTensors(tensors: tensors, metadata: ["red": "\(what)"]).write(to: path) }
            } else {
                try checkImageExtension(ext, a, pr)
                // a file holds y at its own size (a super-resolution y stays small), so it can be observed again
                guard let p = picture(of: d, isMeasurement: isY, upscaled: false) else {
                    throw failure(a, "'\(what)' is \(d.summary), not an image; save it as .safetensors", at: a.positionals[0].range)
                }
                try write { try Image.save(p, to: path, quality: quality) }
            }
        }
    }

    func checkImageExtension(_ ext: String, _ a: Arguments, _ r: SourceRange) throws {
        guard ["png", "jpg", "jpeg", "ppm", "pgm"].contains(ext) else {
            throw failure(a, "unknown image file type '.\(ext)'; use .png or .jpg (or .ppm, .pgm; .safetensors for raw values)", at: r, kind: .output)
        }
    }

    func cmdView(_ a: Arguments) throws {
        try a.atMost(1)
        let what = a.positionals.isEmpty ? "result" : try a.positionalText(0, "what to view")
        let image: Tensor
        if what == "grid" {
            guard let g = composeGrid(gridTiles()) else { throw failure(a, "nothing to show yet") }
            image = g
        } else {
            let (d, isY) = try value(what, a, at: a.positionals.first?.range ?? a.range)
            guard let p = picture(of: d, isMeasurement: isY) else { throw failure(a, "'\(what)' is \(d.summary), not an image") }
            image = p
        }
        if let display {
            let width = a.has("width") ? try a.integer("width") : nil
            display(try attempt(a) { try imageDisplay(image, title: what, width: width) })
            return
        }
        let cols = try a.integer("width", default: Swift.min(terminal.width, 160), max: 1000)
        output(TerminalImage.render(image, columns: cols))
    }

    /// One row of the metrics table.
    struct MetricsRow {
        var name: String
        var psnr: Double?
        var ssim: Double?
        var residual: Double?
        var seconds: Double?
        /// mean((y − A(x̂))²)/2, the data term the samplers minimise (model units).
        var dataLoss: Double?
    }

    func metricsRows(_ a: Arguments) throws -> [MetricsRow] {
        let shape = try problemShape(a)
        let y = state.order.isEmpty ? nil : try measuredY(a)
        let op = try buildOperator(a, shape: shape)
        var rows: [MetricsRow] = []
        for name in state.order {
            guard let d = state.values[name], d.itemShape == shape else { continue }
            var row = MetricsRow(name: name, seconds: d.seconds)
            let items = d.isBatch ? (0..<d.tensor.shape[0]).map { d.tensor.item($0) } : [d.tensor]
            let k = Double(items.count)
            // without a ground truth (an observation and no reference) PSNR and SSIM stay empty
            if let x = state.x, x.isImage {
                let truth = ((x.tensor + 1) * 0.5).clamped(0, 1)
                var ps = 0.0, ss = 0.0, ssOK = true
                for it in items {
                    let img = ((it + 1) * 0.5).clamped(0, 1)
                    ps += (try? Metrics.psnr(img, truth)) ?? .nan
                    if let s = try? Metrics.ssim(img, truth) { ss += s } else { ssOK = false }
                }
                row.psnr = ps / k
                row.ssim = ssOK ? ss / k : nil
            }
            if let y {
                var r = 0.0
                for it in items { r += (op.apply(it) - y.tensor).squaredNorm() / Double(Swift.max(y.tensor.count, 1)) }
                row.residual = (r / k).squareRoot()
                row.dataLoss = r / k / 2
            }
            rows.append(row)
        }
        return rows
    }

    func cmdMetrics(_ a: Arguments) throws {
        try a.atMost(0)
        let rows = try metricsRows(a)
        func f(_ v: Double?, _ digits: Int) -> String { v.map { $0.isFinite ? String(format: "%.\(digits)f", $0) : ($0 > 0 ? "inf" : "nan") } ?? "—" }
        var lines = ["name".padding(toLength: 14, withPad: " ", startingAt: 0) + "    psnr    ssim  residual  data loss  seconds"]
        for r in rows {
            lines.append(r.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + f(r.psnr, 2).leftPad(8) + f(r.ssim, 4).leftPad(8) + f(r.residual, 4).leftPad(10)
                + (r.dataLoss.map { String(format: "%.3e", $0) } ?? "—").leftPad(11) + f(r.seconds, 2).leftPad(9))
        }
        if rows.isEmpty { lines.append("(no results yet)") }
        if state.x == nil, let source = state.observedFrom, !rows.isEmpty {
            lines.append("(x is unknown — y was observed from '\(source)': no PSNR/SSIM; 'load' a reference image to get them)")
        }
        if let display {
            let cells = rows.map { [$0.name, f($0.psnr, 2), f($0.ssim, 4), f($0.residual, 4), $0.dataLoss.map { String(format: "%.3e", $0) } ?? "—", f($0.seconds, 2)] }
            let note = lines.count > rows.count + 1 ? lines.last.map { String($0.dropFirst().dropLast()) } : nil
            display(.table(Table(title: "metrics", columns: ["name", "psnr", "ssim", "residual", "data loss", "seconds"], rows: cells,
                                 text: lines.joined(separator: "\n"), note: note)))
        } else {
            output(lines.joined(separator: "\n"))
        }
        if let path = try a.text("to") {
            func c(_ v: Double?) -> String { v.map { $0.isFinite ? String($0) : ($0 > 0 ? "inf" : "") } ?? "" }
            let csv = (["name,psnr,ssim,residual,seconds,data_loss"]
                + rows.map { "\($0.name),\(c($0.psnr)),\(c($0.ssim)),\(c($0.residual)),\(c($0.seconds)),\(c($0.dataLoss))" })
                .joined(separator: "\n") + "\n"
            try attempt(a, at: a.options["to"]?.range, kind: .output) { try AtomicFile.write(Data(csv.utf8), to: path) }
        }
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
