import ScriptLang

/// `red --shard K/N`: the K-th of N disjoint slices of a script's top-level `for` loops.
///
/// An item of a top-level `for` (not nested in another loop, a `def` call or a `run`) belongs to
/// shard 1 + (FNV-1a 64 of its text) mod N, so the split depends only on the items. Each item's
/// iteration draws its random streams from a block of its own (the session seed and the item's
/// hash), and the loop leaves the draw counter where it found it, so an item's numbers are the
/// same for every N (`--shard 1/1` included) unless the loop body sets the seed itself. CSV files
/// that commands write (`to "F.csv"`, `save … "F.csv"`) get the suffix `.shardK-of-N` before
/// `.csv`; `Scripts/merge-results` joins them.
public final class Shard {
    /// 1-based index K.
    public let index: Int
    /// The number of shards N.
    public let count: Int
    /// `for` loops entered and not yet left.
    var loopDepth = 0

    /// - Precondition: 1 ≤ index ≤ count.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && (1...count).contains(index), "shard index must lie in 1...count")
        self.index = index; self.count = count
    }

    /// Parses `K/N` (1 ≤ K ≤ N); nil for anything else.
    public convenience init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else { return nil }
        self.init(index: k, count: n)
    }

    /// The suffix put before `.csv`: `.shardK-of-N`.
    public var suffix: String { ".shard\(index)-of-\(count)" }

    /// FNV-1a 64 of `text` (stable across runs and machines).
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// The shard (1-based) an item with this text belongs to among `count`.
    public static func owner(of text: String, count: Int) -> Int { Int(hash(text) % UInt64(count)) + 1 }

    /// `path` with the shard suffix before a final `.csv`; other paths unchanged.
    public func csvPath(_ path: String) -> String {
        guard path.lowercased().hasSuffix(".csv") else { return path }
        return String(path.dropLast(4)) + suffix + String(path.suffix(4))
    }
}

extension Session {
    /// Runs `body` for every item of a `for` loop: all of them, or in a sharded run at top level
    /// only this shard's, each from its own block of random draws.
    func forEachItem(_ items: [Value], _ body: (Value) throws -> Void) throws {
        guard let shard, callDepth == 0, shard.loopDepth == 0 else {
            shard?.loopDepth += 1
            defer { shard?.loopDepth -= 1 }
            for item in items { try body(item) }
            return
        }
        shard.loopDepth += 1
        let draws = state.draws
        defer { shard.loopDepth -= 1; state.draws = draws }
        for item in items where Shard.owner(of: item.description, count: shard.count) == shard.index {
            // 2^24 draws per item, at an offset given by the item alone
            state.draws = Int(Shard.hash(item.description) >> 26) << 24
            try body(item)
        }
    }

    /// In a sharded run, the arguments with the shard suffix on the CSV files the command writes
    /// (`to=` of every command, the paths of `save`).
    func shardingOutputs(_ a: Arguments) -> Arguments {
        guard let shard else { return a }
        var out = a
        func rewrite(_ v: Value) -> Value {
            if case let .text(t, quoted) = v { return .text(shard.csvPath(t), quoted: quoted) }
            return v
        }
        if let (v, r) = out.options["to"] { out.options["to"] = (rewrite(v), r) }
        if a.command == "save" {
            out.positionals = out.positionals.map { p in var p = p; p.value = rewrite(p.value); return p }
        }
        return out
    }
}
