import ScriptLang

/// What an option's value must be.
public enum OptionKind: Sendable, Equatable {
    case number, integer, text, path
    /// One of a fixed set of words.
    case choice([String])
    /// One or two integers: `128` or `10,20` / `128x64`.
    case pair
    /// `on`/`off`.
    case flag
}

/// One option of a command: `name=value`.
public struct OptionSpec: Sendable {
    public var name: String
    public var kind: OptionKind
    /// The default, as shown in `help`; empty when it depends on the data.
    public var defaultValue: String
    public var help: String
    public init(_ name: String, _ kind: OptionKind, _ defaultValue: String, _ help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A variant of a command chosen by its first word (`solve reddiff`, `mask box`).
public struct VariantSpec: Sendable {
    public var name: String
    public var arguments: String
    public var help: String
    public var options: [OptionSpec]
    public init(_ name: String, _ arguments: String = "", _ help: String, _ options: [OptionSpec] = []) {
        self.name = name
        self.arguments = arguments
        self.help = help
        self.options = options
    }
}

/// A command of the language: the one table behind the checker, `help`, completion and the docs.
public struct CommandSpec: Sendable {
    public var name: String
    public var category: String
    public var arguments: String
    public var help: String
    public var options: [OptionSpec]
    public var variants: [VariantSpec]
    /// Whether a variant word must come first (`solve`), or positional words are free (`save x`).
    public var variantRequired: Bool
    /// Whether `as NAME` is accepted.
    public var takesName: Bool
    public var examples: [String]

    public init(_ name: String, _ category: String, _ arguments: String, _ help: String, options: [OptionSpec] = [],
                variants: [VariantSpec] = [], variantRequired: Bool = false, takesName: Bool = false,
                examples: [String] = []) {
        self.name = name
        self.category = category
        self.arguments = arguments
        self.help = help
        self.options = options
        self.variants = variants
        self.variantRequired = variantRequired
        self.takesName = takesName
        self.examples = examples
    }

    /// The variant named `word`, if any.
    public func variant(_ word: String?) -> VariantSpec? { variants.first { $0.name == word } }

    /// Options allowed with variant `word` (the command's own plus the variant's).
    public func options(for word: String?) -> [OptionSpec] { options + (variant(word)?.options ?? []) }

    /// The integer default of `option` with variant `word`, as the table states it (the value
    /// `help` shows and the command runs with); nil when the option is absent or has no default.
    public func integerDefault(_ option: String, for word: String?) -> Int? {
        options(for: word).first { $0.name == option }.flatMap { Int($0.defaultValue) }
    }
}

/// The language's commands.
public enum CommandTable {
    /// Keywords handled by the parser (not commands), from `ScriptLang.Keyword`.
    public static let keywords = Keyword.allCases.map(\.rawValue)

    public static func spec(_ name: String) -> CommandSpec? { all.first { $0.name == name } }
    public static var names: [String] { all.map(\.name) }
    public static let categories = ["data", "degradation", "prior", "solve", "output", "session"]
}
