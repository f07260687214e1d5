import Foundation

/// The machine's and this process's memory, from Linux's `/proc` (nil elsewhere or when the
/// entry is missing).
public enum SystemMemory {
    /// Bytes the kernel estimates can be allocated without swapping (`MemAvailable` of
    /// `/proc/meminfo`).
    public static var available: Int? { kibibytes("MemAvailable:", in: "/proc/meminfo") }

    /// This process's resident set (`VmRSS` of `/proc/self/status`), in bytes.
    public static var resident: Int? { kibibytes("VmRSS:", in: "/proc/self/status") }

    /// This process's peak resident set (`VmHWM` of `/proc/self/status`), in bytes: since the
    /// start, or since the last `resetPeak()`.
    public static var peakResident: Int? { kibibytes("VmHWM:", in: "/proc/self/status") }

    /// Restarts `peakResident` from the current resident set (writes 5 to
    /// `/proc/self/clear_refs`); false when the kernel refused.
    @discardableResult
    public static func resetPeak() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    /// The value of the line starting with `key` (in kB) of a `/proc` file, in bytes.
    static func kibibytes(_ key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kb = line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap({ Int($0) })
        else { return nil }
        return kb * 1024
    }
}
