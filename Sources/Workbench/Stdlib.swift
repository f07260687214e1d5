import Foundation

/// Finds and loads the standard library (`Stdlib/*.red`).
public enum Stdlib {
    /// `$RED_STDLIB`, else the first `Stdlib/` with a `prelude.red` found walking up from the
    /// executable's folder and then from the current folder.
    public static func locate(executable: String = CommandLine.arguments.first ?? "",
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let env = environment["RED_STDLIB"], !env.isEmpty { return env }
        let fm = FileManager.default
        var starts: [String] = []
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
        starts.append(exe)
        starts.append(fm.currentDirectoryPath)
        for start in starts {
            var dir = URL(fileURLWithPath: start)
            for _ in 0..<12 {
                let candidate = dir.appendingPathComponent("Stdlib")
                if fm.fileExists(atPath: candidate.appendingPathComponent("prelude.red").path) { return candidate.path }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }
}

extension Session {
    /// Loads `prelude.red` from the standard library folder; returns the problem, if any.
    public func loadStdlib(_ directory: String?) -> Outcome {
        guard let directory else { return .success }
        stdlibDirectory = directory
        let prelude = (directory as NSString).appendingPathComponent("prelude.red")
        guard FileManager.default.fileExists(atPath: prelude) else { return .success }
        return load(path: prelude)
    }
}
