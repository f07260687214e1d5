import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Atomic file writes: the bytes go to a temporary file beside the target, which is then renamed
/// over it, so a failed write never leaves a half-written file and keeps any previous file intact.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `TensorError.io` naming the path when the folder is missing, the path is a folder,
    ///   or the folder is not writable (the text carries the system's reason).
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(bytes: $0, to: path) }
    }

    /// Writes `bytes` to `path` atomically (see `write(_:to:)`).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write(bytes: $0, to: path) }
    }

    /// The folder part of `path` ("." for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    private static func write(bytes: UnsafeRawBufferPointer, to path: String) throws {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw TensorError.io(path: path, message: "not a file name")
        }
        let dir = folder(of: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
            throw TensorError.io(path: path, message: "cannot write: the folder '\(dir)' does not exist")
        }
        guard isDir.boolValue else {
            throw TensorError.io(path: path, message: "cannot write: '\(dir)' is a file, not a folder")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw TensorError.io(path: path, message: "cannot write: this is a folder")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let tmp = "\(dir)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TensorError.io(path: path, message: "cannot write in the folder '\(dir)': \(String(cString: strerror(errno)))")
        }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd); unlink(tmp)
                throw TensorError.io(path: path, message: "writing failed after \(done) of \(bytes.count) bytes: \(reason)")
            }
            done += n
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw TensorError.io(path: path, message: "writing failed: \(reason)")
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw TensorError.io(path: path, message: "cannot replace the file: \(reason)")
        }
    }
}
