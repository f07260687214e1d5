import Foundation
import ScriptLang

extension Session {
    /// Completions for the word ending at the end of `line` (the text before the cursor):
    /// commands and keywords first, then kinds and `option=` names of the command, then file
    /// paths inside quotes or after `load`/`run`/`save … `.
    public func completions(line: String) -> [String] {
        // the statement being typed starts after the last ';' or '{'
        let stmt = line.split(omittingEmptySubsequences: false) { $0 == ";" || $0 == "{" }.last.map(String.init) ?? line
        let quoteCount = stmt.filter { $0 == "\"" }.count
        if quoteCount % 2 == 1 {
            let partial = stmt.split(separator: "\"", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            return Session.pathCompletions(partial)
        }
        let words = stmt.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let current = stmt.last.map { $0 == " " || $0 == "\t" } ?? true ? "" : (words.last ?? "")
        let before = current.isEmpty ? words : Array(words.dropLast())
        if before.isEmpty {
            let names = CommandTable.names + CommandTable.keywords + state.definitions.keys
            return names.filter { $0.hasPrefix(current) }.sorted()
        }
        let command = before[0]
        if current.hasPrefix("$") {
            return state.variables.keys.map { "$" + $0 }.filter { $0.hasPrefix(current) }.sorted()
        }
        var candidates: [String] = []
        if let spec = CommandTable.spec(command) {
            let variant = before.count > 1 ? before[1] : nil
            if before.count == 1 { candidates += spec.variants.map(\.name) }
            if command == "help", before.count == 1 { candidates += CommandTable.names + CommandTable.keywords }
            if ["save", "view", "compare"].contains(command) {
                candidates += (["result", "x", "y", "grid"] + state.order).filter { _ in before.count <= (command == "compare" ? 2 : 1) }
                if command == "save", before.count == 1 { candidates += ["trace", "session"] }
            }
            if command == "plot" { candidates += ["loss", "psnr", "ssim"] }
            if let eq = current.firstIndex(of: "=") {
                let key = String(current[..<eq])
                let words: [String]
                switch spec.option(key, for: variant)?.kind {
                case let .choice(cs)?: words = cs
                case .flag?: words = ["on", "off"]
                case .number?, .integer?, .text?, .path?, .pair?, nil: words = []
                }
                return words.map { key + "=" + $0 }.filter { $0.hasPrefix(current) }
            }
            candidates += spec.options(for: variant).map { $0.name + "=" }
            if spec.takesName { candidates.append("as") }
        } else if let def = state.definitions[command] {
            candidates += def.parameters.map { $0.0 + "=" }
        }
        let used = Set(before.compactMap { $0.split(separator: "=").first.map { String($0) + "=" } })
        return Array(Set(candidates.filter { $0.hasPrefix(current) && !used.contains($0) })).sorted()
    }

    /// Files and folders starting with `partial` (folders end in `/`).
    public static func pathCompletions(_ partial: String) -> [String] {
        let expanded = (partial as NSString).expandingTildeInPath
        let dir: String, prefix: String
        if expanded.hasSuffix("/") { dir = expanded; prefix = "" } else {
            dir = (expanded as NSString).deletingLastPathComponent
            prefix = (expanded as NSString).lastPathComponent
        }
        let listDir = dir.isEmpty ? "." : dir
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: listDir) else { return [] }
        let shownDir = partial.hasSuffix("/") ? partial : String(partial.dropLast(prefix.count))
        return entries.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (listDir as NSString).appendingPathComponent(name), isDirectory: &isDir)
            return shownDir + name + (isDir.boolValue ? "/" : "")
        }
    }
}
