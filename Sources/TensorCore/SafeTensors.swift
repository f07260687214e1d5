import Foundation

/// Reading and writing `.safetensors` files: an 8-byte little-endian header length, a JSON
/// header (`{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {…}}`) and raw data.
///
/// F32, F16, BF16 and F64 tensors are read (converted to Float); tensors are written as F32.
public struct SafeTensors: Sendable {
    /// The tensors by name.
    public var tensors: [String: Tensor]
    /// The string metadata of the header.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The largest file accepted (4 GiB).
    public static let maxBytes = 1 << 32

    /// Reads a file.
    /// - Throws: `TensorError.io` when unreadable, `TensorError.format` when malformed.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError.io(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        try self.init(data: data, path: path)
    }

    /// Parses the bytes of a file (`path` only names it in errors).
    public init(data: Data, path: String = "<data>") throws {
        func bad(_ m: String) -> TensorError { .format(path: path, message: "not a valid safetensors file: \(m)") }
        guard data.count >= 8 else { throw bad("shorter than its 8-byte header length") }
        let bytes = [UInt8](data)
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n > 0, n <= UInt64(bytes.count - 8) else { throw bad("header length \(n) exceeds the file size \(bytes.count)") }
        let headerEnd = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                if let m = value as? [String: Any] { for (k, v) in m { metadata[k] = "\(v)" } }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offs = entry["data_offsets"] as? [Int], offs.count == 2
            else { throw bad("tensor '\(name)' has no dtype, shape or data_offsets") }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            case "F64": width = 8
            default: throw TensorError.format(path: path, message: "tensor '\(name)' has unsupported dtype \(dtype) (expected F32, F16, BF16 or F64)")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("tensor '\(name)' has a negative extent") }
            // The element count, refusing shapes whose size overflows or exceeds the file.
            var count = 1
            for e in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: e)
                guard !overflow, p <= bytes.count else { throw bad("tensor '\(name)' of shape \(shape) is larger than the file") }
                count = p
            }
            guard offs[0] >= 0, offs[1] >= offs[0], offs[1] <= bytes.count else {
                throw bad("tensor '\(name)' has data offsets [\(offs[0]), \(offs[1])) outside the file")
            }
            let lo = headerEnd + offs[0], hi = headerEnd + offs[1]
            guard hi <= bytes.count, hi - lo == count * width else {
                throw bad("tensor '\(name)' data [\(offs[0]), \(offs[1])) does not match shape \(shape) of \(dtype) or lies outside the file")
            }
            var out = [Float](repeating: 0, count: count)
            bytes.withUnsafeBufferPointer { raw in
                let p = UnsafeRawPointer(raw.baseAddress! + lo)
                for i in 0..<count {
                    switch dtype {
                    case "F32": out[i] = Float(bitPattern: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
                    case "F64": out[i] = Float(Double(bitPattern: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
                    case "F16": out[i] = Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian))
                    default: out[i] = Float(bitPattern: UInt32(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
                    }
                }
            }
            tensors[name] = Tensor(shape: shape, scalars: out)
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor `name`, checked against an expected shape (`-1` matches any extent).
    /// - Throws: `TensorError.format` naming the file, the tensor and the expected shape.
    public func tensor(_ name: String, shape expected: [Int]? = nil, path: String = "<data>") throws -> Tensor {
        guard let t = tensors[name] else {
            throw TensorError.format(path: path, message: "missing tensor '\(name)'\(expected.map { " of shape \($0)" } ?? "")")
        }
        if let e = expected {
            let ok = e.count == t.rank && zip(e, t.shape).allSatisfy { $0 == -1 || $0 == $1 }
            if !ok { throw TensorError.format(path: path, message: "tensor '\(name)' has shape \(t.shape), expected \(e.map { $0 < 0 ? "*" : String($0) })") }
        }
        return t
    }

    /// The serialised bytes (F32 tensors, keys sorted).
    public func serialized() -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
            offset += 4 * t.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while (json.count + 8) % 8 != 0 { json.append(0x20) }
        var out = Data()
        var n = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { p in
                var le = p.map { $0.bitPattern.littleEndian }
                le.withUnsafeMutableBytes { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Writes the file atomically (temporary file, then rename).
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }
}
