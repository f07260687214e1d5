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

/// The value an option takes when a statement leaves it out: the value `help` shows and the
/// command runs with.
public enum OptionDefault: Sendable, Equatable {
    /// No fixed default (it depends on the data, or the option is required).
    case none
    case number(Double)
    case integer(Int)
    /// A word: one of the option's choices.
    case word(String)
    case flag(Bool)

    /// The default as `help` shows it; empty for `.none`.
    public var text: String {
        switch self {
        case .none: return ""
        case let .number(v): return Value.format(v)
        case let .integer(n): return String(n)
        case let .word(w): return w
        case let .flag(on): return on ? "on" : "off"
        }
    }
}

/// The bounds a number or integer option must keep.
public struct OptionBounds: Sendable, Equatable {
    public var min: Double?
    public var max: Double?
    /// Whether `min` itself is excluded (`> min` rather than `≥ min`).
    public var exclusiveMin: Bool
    public init(min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false) {
        self.min = min
        self.max = max
        self.exclusiveMin = exclusiveMin
    }
}

/// One option of a command: `name=value`, with its typed default and bounds.
public struct OptionSpec: Sendable {
    public var name: String
    public var kind: OptionKind
    public var defaultValue: OptionDefault
    public var bounds: OptionBounds
    public var help: String

    init(_ name: String, _ kind: OptionKind, _ defaultValue: OptionDefault, _ help: String, bounds: OptionBounds = OptionBounds()) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.bounds = bounds
        self.help = help
    }

    /// A real-valued option, `default` nil when it has none.
    static func number(_ name: String, _ value: Double?, _ help: String, min: Double? = nil, max: Double? = nil,
                       exclusiveMin: Bool = false) -> OptionSpec {
        OptionSpec(name, .number, value.map(OptionDefault.number) ?? .none, help, bounds: OptionBounds(min: min, max: max, exclusiveMin: exclusiveMin))
    }

    /// A whole-number option, `default` nil when it has none.
    static func integer(_ name: String, _ value: Int?, _ help: String, min: Int? = nil, max: Int? = nil) -> OptionSpec {
        OptionSpec(name, .integer, value.map(OptionDefault.integer) ?? .none, help,
                   bounds: OptionBounds(min: min.map(Double.init), max: max.map(Double.init)))
    }

    /// An option whose words are the cases of a library enum, so a new case appears by itself.
    static func choice<E: CaseIterable & RawRepresentable>(_ name: String, _ value: E, _ help: String) -> OptionSpec where E.RawValue == String {
        OptionSpec(name, .choice(E.allCases.map(\.rawValue)), .word(value.rawValue), help)
    }

    /// An option that is one of `words`.
    static func choice(_ name: String, _ words: [String], _ value: String, _ help: String) -> OptionSpec {
        OptionSpec(name, .choice(words), .word(value), help)
    }

    /// An `on`/`off` option.
    static func flag(_ name: String, _ value: Bool, _ help: String) -> OptionSpec { OptionSpec(name, .flag, .flag(value), help) }

    /// `N`, `WxH` or `A,B` (no default).
    static func pair(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name, .pair, .none, help) }

    /// A file path (no default).
    static func path(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name, .path, .none, help) }

    /// Free text (no default).
    static func text(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name, .text, .none, help) }
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

/// A command of the language: the one table behind running it, the checker, `help`, completion
/// and the docs. Adding a command is one entry in `CommandTable.all` with its handler.
public struct CommandSpec: Sendable {
    /// What runs a statement of the command, given its checked arguments.
    typealias Handler = @Sendable (Session, Arguments) throws -> Void

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
    /// Runs the command.
    let run: Handler

    init(_ name: String, _ category: String, _ arguments: String, _ help: String, options: [OptionSpec] = [],
         variants: [VariantSpec] = [], variantRequired: Bool = false, takesName: Bool = false,
         examples: [String] = [], run: @escaping Handler) {
        self.name = name
        self.category = category
        self.arguments = arguments
        self.help = help
        self.options = options
        self.variants = variants
        self.variantRequired = variantRequired
        self.takesName = takesName
        self.examples = examples
        self.run = run
    }

    /// The variant named `word`, if any.
    public func variant(_ word: String?) -> VariantSpec? { variants.first { $0.name == word } }

    /// Options allowed with variant `word` (the command's own plus the variant's).
    public func options(for word: String?) -> [OptionSpec] { options + (variant(word)?.options ?? []) }

    /// The option `name` with variant `word`, if the table has it.
    public func option(_ name: String, for word: String?) -> OptionSpec? { options(for: word).first { $0.name == name } }

    /// The integer default of `option` with variant `word`, as the table states it (the value
    /// `help` shows and the command runs with); nil when the option is absent or has no default.
    public func integerDefault(_ option: String, for word: String?) -> Int? {
        if case let .integer(n)? = self.option(option, for: word)?.defaultValue { return n }
        return nil
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
