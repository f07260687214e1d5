import Foundation

/// A model's metadata as the Open Inference Protocol returns it (`GET /v2/models/NAME`): its
/// inputs and outputs, and the `parameters` object (string, number or boolean values).
public struct ModelMetadata: Sendable, Equatable {
    /// One declared input or output.
    public struct TensorSpec: Sendable, Equatable {
        public var name: String
        public var datatype: String
        /// The shape, −1 for a variable extent.
        public var shape: [Int]
    }

    /// A parameter value.
    public enum Parameter: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case number(Double)
        case bool(Bool)
        public var description: String {
            switch self {
            case let .string(s): return s
            case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
            case let .bool(b): return b ? "true" : "false"
            }
        }
    }

    public var name: String
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]
    public var parameters: [String: Parameter]

    public init(name: String, inputs: [TensorSpec], outputs: [TensorSpec], parameters: [String: Parameter]) {
        self.name = name; self.inputs = inputs; self.outputs = outputs; self.parameters = parameters
    }

    /// Parses the JSON answer of `url`.
    /// - Throws: `RemotePriorError.malformed` when it is not a metadata object.
    public init(json: Data, url: String) throws(RemotePriorError) {
        guard let o = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw .malformed(url: url, message: "the model metadata is not a JSON object (\(InferenceCodec.snippet(json)))")
        }
        func specs(_ key: String) throws(RemotePriorError) -> [TensorSpec] {
            guard let raw = o[key] else { return [] }
            guard let list = raw as? [[String: Any]] else { throw .malformed(url: url, message: "metadata '\(key)' is not an array of tensors") }
            var out: [TensorSpec] = []
            for e in list {
                guard let n = e["name"] as? String, let d = e["datatype"] as? String,
                      let s = (e["shape"] as? [Any]).flatMap(InferenceCodec.intArray) else {
                    throw .malformed(url: url, message: "metadata '\(key)' has an entry without name, datatype or shape")
                }
                out.append(TensorSpec(name: n, datatype: d, shape: s))
            }
            return out
        }
        name = o["name"] as? String ?? ""
        inputs = try specs("inputs")
        outputs = try specs("outputs")
        var params: [String: Parameter] = [:]
        for (k, v) in o["parameters"] as? [String: Any] ?? [:] {
            // numbers before booleans: JSONSerialization may bridge 0 and 1 to Bool (and true to 1)
            if let s = v as? String { params[k] = .string(s) } else if let n = v as? NSNumber { params[k] = .number(n.doubleValue) } else if let b = v as? Bool {
                params[k] = .bool(b)
            }
        }
        parameters = params
    }

    /// The input named `name`.
    public func input(_ name: String) -> TensorSpec? { inputs.first { $0.name == name } }
    /// The output named `name`.
    public func output(_ name: String) -> TensorSpec? { outputs.first { $0.name == name } }
}
