import Foundation

/// One named tensor of an Open Inference Protocol request or response: FP32 or INT64 data,
/// row-major, with its shape.
public struct InferenceTensor: Sendable, Equatable {
    /// The element data.
    public enum Data: Sendable, Equatable {
        case fp32([Float])
        case int64([Int64])
    }

    /// The tensor's name (`x_t`, `t`, `eps`, …).
    public var name: String
    /// The shape, for example `[N, C, H, W]`.
    public var shape: [Int]
    /// The elements.
    public var data: Data

    public init(name: String, shape: [Int], data: Data) {
        self.name = name; self.shape = shape; self.data = data
    }

    /// The protocol's datatype name (`FP32`, `INT64`).
    public var datatype: String {
        switch data { case .fp32: return "FP32"; case .int64: return "INT64" }
    }

    /// The number of elements.
    public var count: Int {
        switch data { case let .fp32(v): return v.count; case let .int64(v): return v.count }
    }

    /// The little-endian bytes of the elements (the binary-tensor extension's layout).
    func littleEndianBytes() -> Foundation.Data {
        switch data {
        case let .fp32(v): return v.withUnsafeBytes { Foundation.Data($0) }
        case let .int64(v): return v.withUnsafeBytes { Foundation.Data($0) }
        }
    }

    /// The FP32 elements, or nil for INT64 data.
    public var floats: [Float]? {
        if case let .fp32(v) = data { return v }
        return nil
    }
}
