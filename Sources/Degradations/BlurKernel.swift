import Foundation
import TensorCore

/// Measured blur kernels (point-spread functions) read from files, and the checks every kernel
/// passes before it becomes an operator (`Blur.kernel(shape:kernel:name:)`).
///
/// ```swift
/// let k = try BlurKernel.load(path: "psf.csv")       // [kh, kw], taps summing to 1
/// let op = try Blur.kernel(shape: [3, 256, 256], kernel: k, name: "blur kernel psf.csv")
/// ```
///
/// The file kind follows the extension:
/// - `.txt`, `.csv`, `.tsv`, `.dat`: a text matrix, one kernel row per line, numbers separated by
///   commas, semicolons, spaces or tabs; `#` starts a comment; blank lines are skipped.
/// - `.safetensors`: the tensor named `kernel`, `[kh, kw]` or `[1, kh, kw]`.
/// - anything else: an image read by `Image.load(path:gray: true)` (the content decides the
///   format); a tap is the code value over the largest code value (code/255 for 8-bit files),
///   colour files are averaged to gray.
public enum BlurKernel {
    /// The largest accepted kernel side, in taps.
    public static let maxSide = 1024
    /// The largest accepted text matrix file, in bytes.
    public static let maxTextBytes = 64 << 20
    /// The extensions read as text matrices.
    public static let textExtensions: Set<String> = ["txt", "csv", "tsv", "dat"]

    /// What a kernel file may be, for error messages.
    static let kinds = "a kernel file is a gray image (PNG, PGM, PPM or JPEG), a text matrix (.txt, .csv, .tsv, .dat) "
        + "or a .safetensors file holding a tensor 'kernel'"

    /// Reads the kernel in `path` as `[kh, kw]` (see the type's notes for the file kinds).
    /// - Parameters:
    ///   - path: the kernel file.
    ///   - normalize: scale the taps to sum 1 (the default; a blur then keeps the mean
    ///     brightness). Off, the values are kept as stored.
    /// - Returns: the validated kernel `[kh, kw]`.
    /// - Throws: `OperatorError.file` naming `path`: unreadable or malformed file (a ragged text
    ///   row names its line), or a kernel that fails `validated(_:normalize:source:)`.
    public static func load(path: String, normalize: Bool = true) throws -> Tensor {
        let ext = (path as NSString).pathExtension.lowercased()
        let raw: Tensor
        if textExtensions.contains(ext) {
            raw = try parse(text: readText(path), path: path)
        } else if ext == "safetensors" {
            raw = try readSafeTensors(path)
        } else {
            do {
                let image = try Image.load(path: path, gray: true)
                raw = image.reshaped(Array(image.shape.dropFirst()))
            } catch let error as TensorError {
                throw fileError(path, error, hint: true)
            }
        }
        return try validated(raw, normalize: normalize, source: path)
    }

    /// Checks an in-memory kernel and returns it as `[kh, kw]`, normalised to sum 1 when
    /// `normalize` is on.
    ///
    /// Leading axes of extent 1 are dropped (`[1, kh, kw]` → `[kh, kw]`). Taps may be negative
    /// as long as the sum is positive.
    /// - Parameters:
    ///   - kernel: the taps, rank 2 (or higher with leading 1s).
    ///   - normalize: divide by the sum of the taps.
    ///   - source: the file (or other origin) named in errors.
    /// - Throws: `OperatorError.file(path: source, …)` for a kernel that is not 2-D, empty, larger
    ///   than `maxSide` per side, has a non-finite tap, is all zero, or (with `normalize`) has a
    ///   sum that is negative or zero (or negligible against Σ|k|).
    public static func validated(_ kernel: Tensor, normalize: Bool = true, source: String = "kernel") throws -> Tensor {
        func bad(_ message: String) -> OperatorError { .file(path: source, message: message) }
        let shapeText = OperatorError.format(kernel.shape)
        var shape = kernel.shape
        while shape.count > 2 && shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 2 else {
            throw bad("the kernel has shape \(shapeText); expected a 2-D matrix [kh, kw] (or [1, kh, kw])")
        }
        let kh = shape[0], kw = shape[1]
        guard kh > 0 && kw > 0 else {
            throw bad("the kernel is empty (shape \(shapeText)); give at least one tap, for example a 15x15 matrix")
        }
        guard kh <= maxSide && kw <= maxSide else {
            throw bad("the kernel is \(kw)x\(kh) taps; at most \(maxSide) per side is supported: crop it to its support")
        }
        if let bad0 = kernel.scalars.firstIndex(where: { !$0.isFinite }) {
            throw bad("the kernel has a non-finite tap (\(kernel.scalars[bad0])) at row \(bad0 / kw + 1), column \(bad0 % kw + 1); "
                + "every tap must be a finite number")
        }
        let sum = kernel.scalars.reduce(0.0) { $0 + Double($1) }
        let absSum = kernel.scalars.reduce(0.0) { $0 + Double(abs($1)) }
        guard absSum > 0 else {
            throw bad("every tap of the \(kw)x\(kh) kernel is zero; a blur kernel needs positive weights")
        }
        var k = kernel.reshaped([kh, kw])
        guard normalize else { return k }
        guard sum > 1e-6 * absSum else {
            throw bad("the taps sum to \(Float(sum)) (Σ|k| = \(Float(absSum))), so the kernel cannot be normalised to sum 1; "
                + "use a point-spread function with a positive sum, or load it without normalisation")
        }
        k.scalars = k.scalars.map { Float(Double($0) / sum) }
        return k
    }

    /// Parses a text matrix (`path` only names it in errors).
    static func parse(text: String, path: String) throws -> Tensor {
        func bad(_ message: String) -> OperatorError { .file(path: path, message: message) }
        var rows: [[Float]] = []
        var firstLine = 0
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        for (n, whole) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = whole.prefix { $0 != "#" }
            let fields = line.split { $0 == "," || $0 == ";" || $0 == " " || $0 == "\t" }
            if fields.isEmpty { continue }
            var row = [Float]()
            row.reserveCapacity(fields.count)
            for f in fields {
                guard let v = Double(f) else {
                    throw bad("line \(n + 1): '\(f.prefix(40))' is not a number; write one kernel row per line, "
                        + "numbers separated by commas, spaces or tabs (# starts a comment)")
                }
                guard v.isFinite, Float(v).isFinite else {
                    throw bad("line \(n + 1): '\(f)' is not a finite number; every tap must be finite")
                }
                row.append(Float(v))
            }
            if let first = rows.first {
                guard row.count == first.count else {
                    throw bad("line \(n + 1) has \(row.count) numbers but line \(firstLine + 1) (the first row) has \(first.count); "
                        + "every row of the kernel needs the same count")
                }
            } else {
                firstLine = n
            }
            guard rows.count < maxSide && row.count <= maxSide else {
                throw bad("the kernel is larger than \(maxSide) taps per side (line \(n + 1)); crop it to its support")
            }
            rows.append(row)
        }
        guard let width = rows.first?.count else {
            throw bad("no numbers found; write one kernel row per line, numbers separated by commas, spaces or tabs")
        }
        return Tensor(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// The text of a kernel file, refusing folders, missing files and files over `maxTextBytes`.
    static func readText(_ path: String) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw OperatorError.file(path: path, message: "no such file")
        }
        guard !isDir.boolValue else { throw OperatorError.file(path: path, message: "this is a folder, not a kernel file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxTextBytes else {
            throw OperatorError.file(path: path, message: "the text kernel is \(size >> 20) MiB; at most \(maxTextBytes >> 20) MiB is read "
                + "(a \(maxSide)x\(maxSide) matrix fits): crop the kernel to its support")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OperatorError.file(path: path, message: "cannot read the file (permission denied?)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The tensor `kernel` of a safetensors file.
    static func readSafeTensors(_ path: String) throws -> Tensor {
        let file: SafeTensors
        do { file = try SafeTensors(contentsOf: path) } catch let error as TensorError { throw fileError(path, error, hint: false) }
        guard let k = file.tensors["kernel"] else {
            let names = file.tensors.keys.sorted().map { "'\($0)'" }
            throw OperatorError.file(path: path, message: "no tensor 'kernel' in the file"
                + (names.isEmpty ? "" : " (it holds \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : ""))")
                + "; store the kernel [kh, kw] under the name 'kernel'")
        }
        return k
    }

    /// A `TensorError` from reading `path` as an `OperatorError.file`, with the accepted kinds
    /// when the content was not understood.
    static func fileError(_ path: String, _ error: TensorError, hint: Bool) -> OperatorError {
        switch error {
        case let .io(_, message):
            return .file(path: path, message: message)
        case let .format(_, message):
            return .file(path: path, message: message + (hint ? "; \(kinds)" : ""))
        case let .invalid(message), let .numerical(message):
            return .file(path: path, message: message)
        }
    }
}
