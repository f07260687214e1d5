@preconcurrency import CReadline
import Foundation
import ScriptLang
import Workbench

/// The interactive prompt: readline with history and completion, continuation lines for an
/// open `{` or `[`, errors that print and leave the session unchanged.
struct REPL {
    let session: Session
    let renderer: DiagnosticRenderer
    nonisolated(unsafe) static var current: Session?

    var historyPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".red_history")
    }

    func run() {
        REPL.current = session
        rl_readline_name = UnsafePointer(strdup("red"))
        rl_catch_signals = 0
        rl_attempted_completion_function = { text, start, end in
            REPL.complete(text, start, end)
        }
        // word breaks: keep '=' and '/' inside words so 'weight=sn' and paths complete whole
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\";{}[],"))
        using_history()
        read_history(historyPath)
        stifle_history(2000)
        print("red \(Red.version) — type 'help' for commands, Ctrl-D to quit")
        var pending = "", lineNo = 0, startLine = 1
        while true {
            Interrupts.atPrompt = true
            guard let raw = readline(pending.isEmpty ? "red> " : "...> ") else {
                print("")
                break  // Ctrl-D
            }
            Interrupts.atPrompt = false
            let line = String(cString: raw)
            free(raw)
            lineNo += 1
            if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                add_history(line)
                append_history(1, historyPath)
            }
            if pending.isEmpty { startLine = lineNo }
            pending += (pending.isEmpty ? "" : "\n") + line
            let source = SourceFile(name: "<prompt>", text: String(repeating: "\n", count: startLine - 1) + pending)
            if Parser.parse(source).needsMoreInput { continue }
            pending = ""
            session.cancellation.reset()
            let outcome = session.run(source)
            switch outcome {
            case .quit:
                write_history(historyPath)
                return
            case .success: break
            case let .syntaxErrors(ds): Console.error(renderer.render(ds, source: source))
            case let .runtimeError(d): Console.error(renderer.render(d, source: source))
            }
        }
        _ = write_history(historyPath)
    }

    /// readline's completion hook: our candidates, or readline's file names inside quotes.
    static func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let session = current, let buffer = rl_line_buffer else { return nil }
        let line = String(cString: buffer)
        let prefix = String(line.utf8.prefix(Int(end))) ?? line
        let candidates = session.completions(line: prefix)
        guard !candidates.isEmpty else { return nil }
        // the word readline replaces starts at `start`; candidates are whole words
        let word = String(line.utf8.prefix(Int(end)).dropFirst(Int(start))) ?? ""
        let typedInWord = String(prefix.split(whereSeparator: { " \t\";{}[],".contains($0) }).last ?? "")
        let adjusted = candidates.map { c -> String in
            // candidates for a quoted path or an option value may include text before `word`
            if c.hasPrefix(typedInWord), typedInWord.count > word.count { return String(c.dropFirst(typedInWord.count - word.count)) }
            return c
        }
        if adjusted.count == 1, let only = adjusted.first, only.hasSuffix("=") || only.hasSuffix("/") {
            rl_completion_append_character = 0
        } else {
            rl_completion_append_character = 32
        }
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: adjusted.count + 2)
        array[0] = strdup(commonPrefix(adjusted))
        for (i, c) in adjusted.enumerated() { array[i + 1] = strdup(c) }
        array[adjusted.count + 1] = nil
        if adjusted.count == 1 { free(array[1]); array[1] = nil }
        return array
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var p = words.first else { return "" }
        for w in words.dropFirst() {
            while !w.hasPrefix(p) { p.removeLast() }
        }
        return p
    }
}
