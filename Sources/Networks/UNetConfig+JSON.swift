import Foundation

extension UNetConfig {
    /// Parses the JSON object of `UNetModel`'s constructor arguments (snake_case keys, as stored in
    /// the `config` metadata of a checkpoint).
    ///
    /// Required: `image_size`, `model_channels`, `out_channels`, `num_res_blocks`,
    /// `attention_resolutions`; the rest default as in the original constructor (`in_channels` 3,
    /// `channel_mult` [1,2,4,8], `num_heads` 1, …). `attention_resolutions` is a list of downsample
    /// factors, or a string "32,16,8" of pixel resolutions as `script_util` takes it (converted
    /// with image_size / res). `channel_mult` may also be such a string ("1,1,2,2,4,4"). Keys
    /// without effect on inference (`dropout`, `use_checkpoint`, `use_fp16`) are accepted;
    /// `dims` must be 2.
    /// - Throws: `NetworkError.config` naming the missing or bad key.
    public init(json text: String) throws {
        guard let data = text.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data), let obj = any as? [String: Any] else {
            throw NetworkError.config("the configuration is not a JSON object")
        }
        try self.init(dictionary: obj)
    }

    /// Parses an already decoded JSON object (see `init(json:)`).
    public init(dictionary obj: [String: Any]) throws {
        func int(_ key: String, default d: Int? = nil) throws -> Int {
            guard let v = obj[key], !(v is NSNull) else {
                if let d { return d }
                throw NetworkError.config("missing key '\(key)'")
            }
            if let n = v as? NSNumber, Double(n.intValue) == n.doubleValue { return n.intValue }
            throw NetworkError.config("'\(key)' = \(v) is not an integer")
        }
        func bool(_ key: String, default d: Bool) throws -> Bool {
            guard let v = obj[key], !(v is NSNull) else { return d }
            if let b = v as? Bool { return b }
            throw NetworkError.config("'\(key)' = \(v) is not true or false")
        }
        func intList(_ key: String, _ v: Any) throws -> [Int] {
            if let s = v as? String {
                let parts = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let ints = parts.compactMap { Int($0) }
                guard ints.count == parts.count else { throw NetworkError.config("'\(key)' = \"\(s)\" is not a comma-separated list of integers") }
                return ints
            }
            guard let arr = v as? [Any] else { throw NetworkError.config("'\(key)' = \(v) is not a list") }
            return try arr.map { e in
                guard let n = e as? NSNumber, Double(n.intValue) == n.doubleValue else {
                    throw NetworkError.config("'\(key)' holds \(e), not an integer")
                }
                return n.intValue
            }
        }
        let imageSize = try int("image_size")
        let dims = try int("dims", default: 2)
        guard dims == 2 else { throw NetworkError.config("dims = \(dims); only 2-D networks are supported") }
        guard let attn = obj["attention_resolutions"] else { throw NetworkError.config("missing key 'attention_resolutions'") }
        var factors = try intList("attention_resolutions", attn)
        if attn is String {   // script_util form: pixel resolutions
            for r in factors where r <= 0 || imageSize % r != 0 {
                throw NetworkError.config("attention resolution \(r) does not divide image_size \(imageSize)")
            }
            factors = factors.map { imageSize / $0 }
        }
        let mult = try obj["channel_mult"].map { try intList("channel_mult", $0) } ?? [1, 2, 4, 8]
        var classes: Int? = nil
        if let v = obj["num_classes"], !(v is NSNull) { classes = try int("num_classes") }
        self.init(imageSize: imageSize, inChannels: try int("in_channels", default: 3),
                  modelChannels: try int("model_channels"), outChannels: try int("out_channels"),
                  numResBlocks: try int("num_res_blocks"), attentionResolutions: Set(factors), channelMult: mult,
                  convResample: try bool("conv_resample", default: true), numClasses: classes,
                  numHeads: try int("num_heads", default: 1), numHeadChannels: try int("num_head_channels", default: -1),
                  numHeadsUpsample: try int("num_heads_upsample", default: -1),
                  useScaleShiftNorm: try bool("use_scale_shift_norm", default: false),
                  resblockUpdown: try bool("resblock_updown", default: false),
                  useNewAttentionOrder: try bool("use_new_attention_order", default: false))
        try validate()
    }

    /// The configuration as the JSON of the constructor arguments (factors as a list).
    public var json: String {
        var d: [String: Any] = [
            "image_size": imageSize, "in_channels": inChannels, "model_channels": modelChannels,
            "out_channels": outChannels, "num_res_blocks": numResBlocks,
            "attention_resolutions": attentionResolutions.sorted(), "dropout": 0.0, "channel_mult": channelMult,
            "conv_resample": convResample, "dims": 2, "use_checkpoint": false, "use_fp16": false,
            "num_heads": numHeads, "num_head_channels": numHeadChannels, "num_heads_upsample": numHeadsUpsample,
            "use_scale_shift_norm": useScaleShiftNorm, "resblock_updown": resblockUpdown,
            "use_new_attention_order": useNewAttentionOrder,
        ]
        d["num_classes"] = numClasses ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: d, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
