import Foundation
import ScriptLang

extension KernelServer {
    /// The text of `code` before `cursor` (Unicode scalars; the end when nil or past it).
    static func prefix(_ code: String, cursor: Int?) -> (text: String, cursor: Int) {
        let scalars = code.unicodeScalars
        let n = Swift.min(cursor ?? scalars.count, scalars.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(n))
        return (String(view), n)
    }

    /// `complete`: the session's completions of the word before the cursor (commands, kinds,
    /// `option=` names and values, `$variables`, file paths inside quotes), and the range they replace.
    func complete(_ code: String, cursor: Int?) -> KernelReply {
        let (before, c) = KernelServer.prefix(code, cursor: cursor)
        let line = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let matches = session.completions(line: line)
        let word = KernelServer.completedWord(line)
        return .completions(matches: matches, cursorStart: c - word.unicodeScalars.count, cursorEnd: c)
    }

    /// The word the completions replace: after the last quote inside an open string, else after
    /// the last blank, `;` or `{` (as `Session.completions` reads the line).
    static func completedWord(_ line: String) -> String {
        let stmt = line.split(omittingEmptySubsequences: false) { $0 == ";" || $0 == "{" }.last.map(String.init) ?? line
        if stmt.filter({ $0 == "\"" }).count % 2 == 1 {
            return stmt.split(separator: "\"", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        }
        return String(stmt.reversed().prefix { $0 != " " && $0 != "\t" }.reversed())
    }

    /// `inspect`: the `help` text of the statement at the cursor (its command and kind; the
    /// command named by `help CMD`), of a keyword, or of a `def`.
    func inspect(_ code: String, cursor: Int?) -> KernelReply {
        let (before, _) = KernelServer.prefix(code, cursor: cursor)
        let after = String(code.unicodeScalars.dropFirst(before.unicodeScalars.count))
        // the statement around the cursor: back to the last ';', '{', '}' or newline, on to the next
        let stops: Set<Character> = [";", "{", "}", "\n"]
        let head = String(before.reversed().prefix { !stops.contains($0) }.reversed())
        let tail = String(after.prefix { !stops.contains($0) })
        var words = (head + tail).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.first == "help", words.count > 1 { words.removeFirst() }
        guard let name = words.first else { return .inspection(found: false, text: "") }
        if let spec = CommandTable.spec(name) {
            let variant = words.count > 1 && spec.variant(words[1]) != nil ? words[1] : nil
            return .inspection(found: true, text: Help.command(spec, variant: variant))
        }
        if let text = Help.keyword(name) { return .inspection(found: true, text: text) }
        if let def = session.state.definitions[name] {
            return .inspection(found: true, text: "\(name) " + def.parameters.map { "\($0.0)=\($0.1.source)" }.joined(separator: " ") + "\n  defined with 'def'")
        }
        return .inspection(found: false, text: "")
    }
}
