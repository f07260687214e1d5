import Foundation

/// Sampler settings a prior file recommends, per method and task family, as its authors tuned
/// them (written with `Scripts/set-prior-settings.py`). A solve uses them for every option the user leaves out; options given
/// explicitly always win; options the file does not name keep the method's official defaults.
///
/// Stored as JSON in the safetensors metadata entry `red_settings`:
/// `{"reddiff": {"default": {"steps": "250", "lr": "0.1"}, "inpainting": {"lambda": "0.5"}}, "dps": {…}}`
/// — method → task family (`default` applies to every family) → option → value as typed in the
/// language. A family entry overrides `default`.
public struct RecommendedSettings: Sendable, Equatable {
    /// The metadata key of a prior file that holds the settings.
    public static let metadataKey = "red_settings"

    /// The task families settings may differ by, read off the forward operator.
    public enum TaskFamily: String, Sendable, CaseIterable {
        case inpainting, superResolution = "super-resolution", deblurring, phaseRetrieval = "phase-retrieval", other
    }

    /// Which settings a bare solve takes with a prior file (`prior … settings=`): the file's
    /// recommendations, or the methods' official defaults (as the papers' configurations, for
    /// reproducing them).
    public enum Use: String, Sendable, CaseIterable {
        case recommended, official
    }

    /// method → family name (or `default`) → option → value.
    public var table: [String: [String: [String: String]]]

    public init(table: [String: [String: [String: String]]] = [:]) { self.table = table }

    /// Parses the metadata JSON.
    /// - Throws: `SamplerError.invalidOption` naming the entry that is not method → family → option → value.
    public init(json: String) throws {
        guard let data = json.data(using: .utf8), let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SamplerError.invalidOption(name: RecommendedSettings.metadataKey, value: String(json.prefix(60)), expected: "a JSON object: method → task family → option → value")
        }
        var table: [String: [String: [String: String]]] = [:]
        for (method, families) in top {
            guard let families = families as? [String: Any] else {
                throw SamplerError.invalidOption(name: "\(RecommendedSettings.metadataKey).\(method)", value: "\(families)", expected: "an object of task families")
            }
            for (family, options) in families {
                guard family == "default" || TaskFamily(rawValue: family) != nil, let options = options as? [String: Any] else {
                    throw SamplerError.invalidOption(name: "\(RecommendedSettings.metadataKey).\(method).\(family)", value: "\(options)",
                                                     expected: "a task family (default, \(TaskFamily.allCases.map(\.rawValue).joined(separator: ", "))) with an object of options")
                }
                for (option, value) in options {
                    table[method, default: [:]][family, default: [:]][option] = "\(value)"
                }
            }
        }
        self.table = table
    }

    /// The JSON text, keys sorted (as stored in the metadata entry).
    public var json: String {
        guard let data = try? JSONSerialization.data(withJSONObject: table, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The options recommended for `method` on `family`: the family's entries over `default`'s.
    public func options(method: String, family: TaskFamily) -> [String: String] {
        let byFamily = table[method] ?? [:]
        return (byFamily["default"] ?? [:]).merging(byFamily[family.rawValue] ?? [:]) { _, specific in specific }
    }
}
