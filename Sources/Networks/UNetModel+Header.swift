import Foundation

extension UNetModel {
    /// The string metadata of a `.safetensors` file, reading only its header (cheap even for a
    /// multi-gigabyte checkpoint); nil when the file is unreadable or not a safetensors file.
    public static func metadata(ofFileAt path: String) -> [String: String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let lengthBytes = try? handle.read(upToCount: 8), lengthBytes.count == 8 else { return nil }
        var n: UInt64 = 0
        for (i, b) in lengthBytes.enumerated() { n |= UInt64(b) << (8 * UInt64(i)) }
        guard n > 0, n <= 100_000_000, let header = try? handle.read(upToCount: Int(n)), header.count == Int(n),
              let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { return nil }
        var out: [String: String] = [:]
        if let meta = json["__metadata__"] as? [String: Any] { for (k, v) in meta { out[k] = "\(v)" } }
        return out
    }

    /// True when `path` is a U-Net checkpoint (`format = "guided-diffusion-unet"`), judged from
    /// its header alone: the test a prior loader can use to dispatch to `UNetPrior(contentsOf:)`.
    public static func isCheckpoint(path: String) -> Bool {
        metadata(ofFileAt: path)?["format"] == checkpointFormat
    }
}
