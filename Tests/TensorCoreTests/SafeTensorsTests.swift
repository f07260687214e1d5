import Foundation
import Testing
@testable import TensorCore

@Suite("SafeTensors")
struct SafeTensorsTests {
    /// A safetensors file from a JSON header and raw data bytes.
    func file(_ header: String, _ data: [UInt8]) -> Data {
        var out = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    @Test("Round trip through a file, with metadata, keys sorted, 8-byte aligned data")
    func roundTrip() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        var rng = SeededGenerator(seed: 1)
        let st = SafeTensors(tensors: ["w": Random.normal([3, 4], using: &rng), "b": Tensor(shape: [2], scalars: [.infinity, -0.0]),
                                       "s": Tensor(shape: [], scalars: [7])],
                             metadata: ["format": "red-test", "note": "ünïcode"])
        let path = dir.file("t.safetensors")
        try st.write(to: path)
        let back = try SafeTensors(contentsOf: path)
        #expect(back.tensors == st.tensors)
        #expect(back.metadata == st.metadata)
        let bytes = [UInt8](st.serialized())
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect((8 + headerLength) % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.range(of: "\"b\"")!.lowerBound < header.range(of: "\"s\"")!.lowerBound)
        #expect(dir.contents == ["t.safetensors"])
    }

    @Test("F16, BF16 and F64 tensors are decoded to Float")
    func dtypes() throws {
        // F16: 1.0 = 0x3C00, -2.5 = 0xC100, 65504 = 0x7BFF; BF16: 1.0 = 0x3F80, -3.0 = 0xC040; F64: 0.1.
        var data: [UInt8] = [0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B, 0x80, 0x3F, 0x40, 0xC0]
        withUnsafeBytes(of: (0.1).bitPattern.littleEndian) { data += $0 }
        let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]},"d":{"dtype":"F64","shape":[1,1],"data_offsets":[10,18]},"__metadata__":{"k":"v"}}"#
        let st = try SafeTensors(data: file(header, data))
        #expect(st.tensors["h"]?.scalars == [1, -2.5, 65504])
        #expect(st.tensors["b"]?.scalars == [1, -3])
        #expect(st.tensors["d"]?.scalars == [0.1] && st.tensors["d"]?.shape == [1, 1])
        #expect(st.metadata == ["k": "v"])
        #expect(try st.tensor("d", shape: [-1, 1]).count == 1)
        #expect(throws: TensorError.self) { try st.tensor("d", shape: [2]) }
        #expect(throws: TensorError.self) { try st.tensor("missing") }
    }

    @Test("Malformed files throw format errors naming the problem", arguments: [
        ("short", "", "shorter"),
        ("length", "HUGE", "exceeds"),
        ("json", "not json", "JSON"),
        ("fields", #"{"a":{"dtype":"F32"}}"#, "data_offsets"),
        ("dtype", #"{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#, "unsupported dtype I8"),
        ("outside", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}"#, "outside"),
        ("mismatch", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, "does not match"),
        ("reversed", #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, "outside"),
        ("negative", #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, "negative"),
        ("overflow", #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, "larger than the file"),
    ])
    func malformed(name: String, header: String, words: String) {
        let data: Data
        switch name {
        case "short": data = Data([1, 2, 3])
        case "length": data = Data([255, 255, 0, 0, 0, 0, 0, 0, 1])
        default: data = file(header, [0, 0, 128, 63])
        }
        do {
            _ = try SafeTensors(data: data, path: "bad-\(name).safetensors")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("bad-\(name).safetensors"))
            #expect("\(error)".contains(words), "\(error)")
        }
    }

    @Test("A truncated file on disk is reported with its path")
    func truncatedFile() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let full = [UInt8](SafeTensors(tensors: ["w": Tensor.ones([16, 16])]).serialized())
        let path = try dir.write(Array(full[0..<(full.count - 100)]), "cut.safetensors")
        #expect(throws: TensorError.self) { try SafeTensors(contentsOf: path) }
        do { _ = try SafeTensors(contentsOf: path) } catch { #expect("\(error)".contains(path) && "\(error)".contains("outside the file")) }
    }

    @Test("A missing file is an I/O error")
    func missing() {
        #expect(throws: TensorError.io(path: "/nonexistent/x.safetensors", message: "no such file")) {
            try SafeTensors(contentsOf: "/nonexistent/x.safetensors")
        }
    }
}
