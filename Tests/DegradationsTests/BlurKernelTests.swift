import Foundation
import Testing
import TensorCore
@testable import Degradations

/// Kernel files: every kind reads to the stored matrix, every bad file throws an error naming it.
@Suite struct BlurKernelTests {
    /// One kernel file: its name, how to write it, and what loading gives.
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let file: String
        let write: @Sendable (String) throws -> Void
        var normalize = true
        /// The expected taps before normalisation (nil for an error case).
        var raw: Tensor? = nil
        /// Text every error message must contain besides the file name.
        var error: String? = nil
    }

    static let codes = Tensor(shape: [3, 4], scalars: [0, 10, 20, 0, 30, 255, 128, 40, 0, 5, 60, 1].map { $0 / 255 })
    static let matrix = Tensor(shape: [3, 3], scalars: [1, 2, 1, 2, 4, 2, 1, 2, 1])

    static func text(_ s: String) -> @Sendable (String) throws -> Void { { try s.write(toFile: $0, atomically: true, encoding: .utf8) } }
    static func tensors(_ t: [String: Tensor]) -> @Sendable (String) throws -> Void { { try SafeTensors(tensors: t).write(to: $0) } }

    static let loads: [Case] = [
        Case(description: "csv with commas", file: "k.csv", write: text("1, 2, 1\n2, 4, 2\n1, 2, 1\n"), raw: matrix),
        Case(description: "txt with spaces, tabs, comments and blank lines", file: "k.txt",
             write: text("# measured PSF\n1 2\t1   # first row\n\n  2\t4 2\n1 2 1"), raw: matrix),
        Case(description: "dat with semicolons and CRLF", file: "k.dat", write: text("1;2;1\r\n2;4;2\r\n1;2;1\r\n"), raw: matrix),
        Case(description: "tsv with exponents and a byte-order mark", file: "k.tsv",
             write: text("\u{FEFF}1e0\t2\t+1\n2\t4.0\t2\n1\t2\t1\n"), raw: matrix),
        Case(description: "non-square one-row text", file: "k.txt", write: text("1 2 3 4 5\n"),
             raw: Tensor(shape: [1, 5], scalars: [1, 2, 3, 4, 5])),
        Case(description: "negative taps with positive sum", file: "k.csv", write: text("-1, 4, -1\n"),
             raw: Tensor(shape: [1, 3], scalars: [-1, 4, -1])),
        Case(description: "png gray 8-bit (code/255)", file: "k.png", write: { try Image.save(codes.reshaped([1, 3, 4]), to: $0) }, raw: codes),
        Case(description: "pgm", file: "k.pgm", write: { try Image.save(codes.reshaped([1, 3, 4]), to: $0) }, raw: codes),
        Case(description: "png RGB is averaged to gray", file: "k.png",
             write: { try Image.save(Tensor.concatenated([codes, codes, codes].map { $0.reshaped([1, 3, 4]) }), to: $0) }, raw: codes),
        Case(description: "safetensors [kh, kw]", file: "k.safetensors", write: tensors(["kernel": matrix]), raw: matrix),
        Case(description: "safetensors [1, kh, kw] with other tensors", file: "k.safetensors",
             write: tensors(["kernel": matrix.reshaped([1, 3, 3]), "meta": Tensor.ones([2])]), raw: matrix),
        Case(description: "csv not normalised", file: "k.csv", write: text("1, 2, 1\n2, 4, 2\n1, 2, 1\n"), normalize: false, raw: matrix),
        Case(description: "png not normalised", file: "k.png", write: { try Image.save(codes.reshaped([1, 3, 4]), to: $0) },
             normalize: false, raw: codes),
        Case(description: "all-zero sum allowed without normalisation", file: "k.csv", write: text("1, -1\n"), normalize: false,
             raw: Tensor(shape: [1, 2], scalars: [1, -1])),
    ]

    static let errors: [Case] = [
        Case(description: "ragged rows", file: "k.csv", write: text("1, 2, 3\n\n4, 5\n"), error: "line 3 has 2 numbers but line 1"),
        Case(description: "not a number", file: "k.txt", write: text("1 2\n3 x\n"), error: "line 2: 'x' is not a number"),
        Case(description: "nan in text", file: "k.txt", write: text("1 nan\n"), error: "finite"),
        Case(description: "overflowing number in text", file: "k.txt", write: text("1 1e60\n"), error: "finite"),
        Case(description: "negative sum", file: "k.csv", write: text("-1, -2\n-1, -1\n"), error: "sum to -5"),
        Case(description: "zero sum", file: "k.csv", write: text("1, -1\n-2, 2\n"), error: "sum to 0"),
        Case(description: "all zero", file: "k.txt", write: text("0 0\n0 0\n"), error: "every tap"),
        Case(description: "all zero without normalisation", file: "k.txt", write: text("0 0\n"), normalize: false, error: "every tap"),
        Case(description: "only comments", file: "k.txt", write: text("# nothing\n\n"), error: "no numbers"),
        Case(description: "text wider than the cap", file: "k.txt",
             write: text(Array(repeating: "1", count: BlurKernel.maxSide + 1).joined(separator: " ")), error: "\(BlurKernel.maxSide)"),
        Case(description: "black png", file: "k.png", write: { try Image.save(Tensor.zeros([1, 5, 5]), to: $0) }, error: "every tap"),
        Case(description: "safetensors rank 3", file: "k.safetensors", write: tensors(["kernel": Tensor.ones([2, 3, 3])]),
             error: "expected a 2-D matrix"),
        Case(description: "safetensors rank 1", file: "k.safetensors", write: tensors(["kernel": Tensor.ones([9])]),
             error: "expected a 2-D matrix"),
        Case(description: "safetensors empty", file: "k.safetensors", write: tensors(["kernel": Tensor.zeros([0, 3])]), error: "empty"),
        Case(description: "safetensors larger than the cap", file: "k.safetensors",
             write: tensors(["kernel": Tensor.ones([1, BlurKernel.maxSide + 1, 2])]), error: "at most \(BlurKernel.maxSide)"),
        Case(description: "safetensors non-finite", file: "k.safetensors",
             write: tensors(["kernel": Tensor(shape: [2, 2], scalars: [1, 1, .infinity, 1])]), error: "row 2, column 1"),
        Case(description: "safetensors without 'kernel'", file: "k.safetensors", write: tensors(["psf": matrix]),
             error: "no tensor 'kernel' in the file (it holds 'psf')"),
        Case(description: "safetensors garbage", file: "k.safetensors", write: text("not a safetensors file"), error: "safetensors"),
        Case(description: "unknown content", file: "k.bin", write: text("hello"), error: "a text matrix (.txt, .csv"),
        Case(description: "missing file", file: "k.png", write: { _ in }, error: "no such file"),
        Case(description: "missing text file", file: "k.csv", write: { _ in }, error: "no such file"),
    ]

    @Test(arguments: loads)
    func loadsTheStoredMatrix(_ c: Case) throws {
        let k = try withTemporaryFile(c.file, write: c.write) { try BlurKernel.load(path: $0, normalize: c.normalize) }
        let raw = try #require(c.raw)
        #expect(k.shape == raw.shape)
        let want = c.normalize ? raw * (1 / raw.sum()) : raw
        // Code values and text numbers are exact in Float; normalisation rounds once (1e-6).
        #expect((k - want).maxAbs() <= 1e-6 * want.maxAbs(), "\(k) vs \(want)")
        if c.normalize { #expect(abs(k.sumDouble() - 1) < 1e-6) }
    }

    @Test(arguments: errors)
    func badFilesNameTheFile(_ c: Case) throws {
        let expected = try #require(c.error)
        try withTemporaryFile(c.file, write: c.write) { path in
            do {
                let k = try BlurKernel.load(path: path, normalize: c.normalize)
                Issue.record("loaded \(k) from a bad file")
            } catch let error as OperatorError {
                let m = "\(error)"
                #expect(m.contains(path) && m.contains(expected), "\(m)")
            }
        }
    }

    @Test func validationOfInMemoryKernels() throws {
        let k = try BlurKernel.validated(Tensor.ones([1, 1, 2, 3]))
        #expect(k.shape == [2, 3] && k.scalars.allSatisfy { abs($0 - 1.0 / 6) < 1e-7 })
        #expect(try BlurKernel.validated(Tensor.ones([2, 2]), normalize: false) == Tensor.ones([2, 2]))
        do { _ = try BlurKernel.validated(Tensor.ones([2, 2]) * -1); Issue.record("negative sum accepted") } catch {
            #expect("\(error)".hasPrefix("kernel: the taps sum to -4"), "\(error)")
        }
    }

    @Test func kernelLargerThanTheImageGivesTheImageSize() throws {
        let shape = [3, 16, 12]
        do {
            _ = try Blur.kernel(shape: shape, kernel: Tensor.ones([9, 13]), name: "blur kernel wide.png")
            Issue.record("a 13-wide kernel accepted for a 12-wide image")
        } catch {
            let m = "\(error)"
            #expect(m.contains("13x9") && m.contains("12x16 image") && m.contains("blur kernel wide.png"), "\(m)")
        }
        // Image-sized kernels are fine, and the kernel is used as given (not renormalised).
        let op = try Blur.kernel(shape: shape, kernel: Tensor.ones([16, 12]) * 2, name: "k")
        #expect(op.kernel == Tensor.ones([16, 12]) * 2)
        do { _ = try Blur.kernel(shape: shape, kernel: Tensor.zeros([3, 3]), name: "blur kernel z.csv"); Issue.record("zero kernel") } catch {
            #expect("\(error)".contains("blur kernel z.csv") && "\(error)".contains("zero"))
        }
    }

    /// The operator from a kernel file is the direct convolution with the normalised taps.
    @Test func blurFromFileMatchesDirectConvolution() throws {
        let shape = [3, 21, 18]
        let op = try withTemporaryFile("psf.csv", write: writeText("0 1 2 1\n1 3 4 1\n0 2 1 0\n")) {
            try Blur.kernel(shape: shape, kernel: BlurKernel.load(path: $0), name: "blur kernel psf.csv")
        }
        let k = Tensor(shape: [3, 4], scalars: [0, 1, 2, 1, 1, 3, 4, 1, 0, 2, 1, 0]) * (1.0 / 16)
        let x = testImage(shape)
        let ref = directConvolution(x, kernel: k)
        #expect(distance(op.apply(x), ref) <= 1e-5 * Double(ref.norm()))
    }
}
