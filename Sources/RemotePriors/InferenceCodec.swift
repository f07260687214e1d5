import Foundation

/// How request and response bodies are written.
public enum BodyEncoding: String, Sendable, CaseIterable {
    /// The binary-tensor extension: a JSON header (its length in the `Inference-Header-Content-Length`
    /// HTTP header) followed by the raw little-endian tensor bytes.
    case binary
    /// Plain JSON: every element as a number in the `data` array.
    case json
}

/// Encodes inference requests and decodes inference responses of the Open Inference Protocol
/// (KServe V2 REST), in plain JSON or with the binary-tensor extension.
enum InferenceCodec {
    /// The HTTP header that carries the JSON header's length in binary bodies.
    static let headerLengthField = "Inference-Header-Content-Length"

    /// The body of `POST …/infer` with `inputs`, asking for `outputs`; `headerLength` is the JSON
    /// header's byte count for binary bodies (nil for plain JSON).
    static func encodeRequest(_ inputs: [InferenceTensor], outputs: [String], encoding: BodyEncoding) -> (body: Data, headerLength: Int?) {
        var json = "{\"inputs\":["
        for (i, t) in inputs.enumerated() {
            if i > 0 { json += "," }
            json += "{\"name\":\"\(t.name)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"datatype\":\"\(t.datatype)\""
            switch encoding {
            case .binary:
                json += ",\"parameters\":{\"binary_data_size\":\(t.count * 4 * (t.datatype == "INT64" ? 2 : 1))}}"
            case .json:
                json += ",\"data\":"
                appendElements(t.data, to: &json)
                json += "}"
            }
        }
        json += "],\"outputs\":["
        json += outputs.map { "{\"name\":\"\($0)\"" + (encoding == .binary ? ",\"parameters\":{\"binary_data\":true}}" : "}") }
            .joined(separator: ",")
        json += "]}"
        var body = Data(json.utf8)
        guard encoding == .binary else { return (body, nil) }
        let headerLength = body.count
        for t in inputs { body.append(t.littleEndianBytes()) }
        return (body, headerLength)
    }

    /// Appends the elements as a JSON array (shortest round-trip decimal forms).
    static func appendElements(_ data: InferenceTensor.Data, to json: inout String) {
        json += "["
        switch data {
        case let .fp32(v):
            json.reserveCapacity(json.utf8.count + v.count * 12)
            for (i, x) in v.enumerated() {
                if i > 0 { json += "," }
                json += x.description
            }
        case let .int64(v): json += v.map(String.init).joined(separator: ",")
        }
        json += "]"
    }

    /// The output tensors of a response body, by name. `headerLength` is the value of the
    /// `Inference-Header-Content-Length` HTTP header (nil: the whole body is JSON).
    /// - Throws: `RemotePriorError.malformed` naming what does not fit.
    static func decodeResponse(_ body: Data, headerLength: Int?, url: String) throws(RemotePriorError) -> [String: InferenceTensor] {
        func bad(_ m: String) -> RemotePriorError { .malformed(url: url, message: m) }
        let jsonLength = headerLength ?? body.count
        guard jsonLength >= 0, jsonLength <= body.count else {
            throw bad("\(headerLengthField) is \(jsonLength) but the body has \(body.count) bytes")
        }
        let header = body.prefix(jsonLength)
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: header) } catch {
            throw bad("the response is not JSON (\(snippet(header)))")
        }
        guard let object = parsed as? [String: Any] else { throw bad("the response is not a JSON object") }
        if let message = object["error"] as? String { throw bad("the server reports an error: \(message)") }
        guard let outputs = object["outputs"] as? [[String: Any]] else { throw bad("the response has no 'outputs' array") }
        var offset = body.startIndex + jsonLength
        var result: [String: InferenceTensor] = [:]
        for o in outputs {
            guard let name = o["name"] as? String else { throw bad("an output has no name") }
            guard let rawShape = o["shape"] as? [Any], let shape = intArray(rawShape), shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("output '\(name)' has no valid 'shape'")
            }
            guard let datatype = o["datatype"] as? String else { throw bad("output '\(name)' has no 'datatype'") }
            let count = shape.reduce(1, *)
            let parameters = o["parameters"] as? [String: Any]
            let data: InferenceTensor.Data
            if let size = parameters?["binary_data_size"].flatMap({ intValue($0) }) {
                guard headerLength != nil else { throw bad("output '\(name)' is binary but the response has no \(headerLengthField) header") }
                guard size >= 0, offset + size <= body.endIndex else {
                    throw bad("output '\(name)' announces \(size) binary bytes but only \(body.endIndex - offset) follow")
                }
                let bytes = body[offset..<(offset + size)]
                offset += size
                data = try decodeBinary(bytes, datatype: datatype, count: count, name: name, url: url)
            } else {
                guard let raw = o["data"] else { throw bad("output '\(name)' has neither 'data' nor binary data") }
                data = try decodeJSON(raw, datatype: datatype, count: count, name: name, url: url)
            }
            result[name] = InferenceTensor(name: name, shape: shape, data: data)
        }
        return result
    }

    static func decodeBinary(_ bytes: Data, datatype: String, count: Int, name: String, url: String) throws(RemotePriorError) -> InferenceTensor.Data {
        let width = datatype == "FP32" ? 4 : datatype == "INT64" ? 8 : 0
        guard width > 0 else { throw .malformed(url: url, message: "output '\(name)' has datatype \(datatype); expected FP32 or INT64") }
        guard bytes.count == count * width else {
            throw .malformed(url: url, message: "output '\(name)' has \(bytes.count) bytes; its shape needs \(count * width)")
        }
        if width == 4 {
            var v = [Float](repeating: 0, count: count)
            v.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
            return .fp32(v)
        }
        var v = [Int64](repeating: 0, count: count)
        v.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
        return .int64(v)
    }

    static func decodeJSON(_ raw: Any, datatype: String, count: Int, name: String, url: String) throws(RemotePriorError) -> InferenceTensor.Data {
        var flat: [Any] = []
        flat.reserveCapacity(count)
        func flatten(_ x: Any) { if let a = x as? [Any] { a.forEach(flatten) } else { flat.append(x) } }
        flatten(raw)
        guard flat.count == count else {
            throw .malformed(url: url, message: "output '\(name)' has \(flat.count) elements; its shape needs \(count)")
        }
        let isFloat = ["FP32", "FP64"].contains(datatype)
        guard isFloat || ["INT64", "INT32"].contains(datatype) else {
            throw .malformed(url: url, message: "output '\(name)' has datatype \(datatype); expected FP32 or INT64")
        }
        var numbers = [NSNumber]()
        numbers.reserveCapacity(count)
        for (i, x) in flat.enumerated() {
            guard let n = x as? NSNumber else { throw .malformed(url: url, message: "output '\(name)' element \(i) is not a number") }
            numbers.append(n)
        }
        return isFloat ? .fp32(numbers.map(\.floatValue)) : .int64(numbers.map(\.int64Value))
    }

    /// An integer from a JSON number (JSONSerialization may bridge 0 and 1 to Bool, so no Bool
    /// check here) or a decimal string.
    static func intValue(_ x: Any) -> Int? {
        if let n = x as? NSNumber { let d = n.doubleValue; return d == d.rounded() ? Int(exactly: d) : nil }
        if let s = x as? String { return Int(s) }
        return nil
    }

    static func intArray(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for x in a { guard let v = intValue(x) else { return nil }; out.append(v) }
        return out
    }

    /// The first 120 characters of a body, for messages.
    static func snippet(_ d: Data) -> String {
        let s = String(decoding: d.prefix(120), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return d.count > 120 ? s + "…" : s
    }
}
