import Foundation
import Testing

/// Runs the built `red` binary (built next to the test bundle by `swift test`).
struct CommandLineTests {
    static var binary: URL? {
        let dir = Bundle.main.executableURL?.deletingLastPathComponent() ?? URL(fileURLWithPath: ".")
        for candidate in [dir.appendingPathComponent("red"), dir.deletingLastPathComponent().appendingPathComponent("red")] where
            FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return nil
    }

    static func run(_ args: [String], stdin: String = "") throws -> (out: String, err: String, status: Int32) {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let i = Pipe(), o = Pipe(), e = Pipe()
        p.standardInput = i; p.standardOutput = o; p.standardError = e
        try p.run()
        i.fileHandleForWriting.write(Data(stdin.utf8))
        try i.fileHandleForWriting.close()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), p.terminationStatus)
    }

    @Test(.enabled(if: binary != nil)) func pipedSessionSurvivesErrors() throws {
        let r = try CommandLineTests.run([], stdin: """
            let a = 1
            print $b
            solve reddif
            let a = 2
            for w in [x,
              y] {
              print "$w$a"
            }
            print "a=$a"
            """)
        #expect(r.out == "x2\ny2\na=2\n")
        #expect(r.err == """
            <stdin>:2:7: error: undefined variable 'b'; did you mean 'a'?
            <stdin>:3:7: error: unknown solve kind 'reddif'; expected 'reddiff', 'dps', 'pigdm', 'ddrm', 'pinv' or 'ddim'; did you mean 'reddiff'?

            """)
        #expect(r.status == 70)  // the status of the first error
        #expect(!r.out.contains("red>"))  // no prompt echo on a pipe
    }

    @Test(.enabled(if: binary != nil)) func exitStatuses() throws {
        #expect(try CommandLineTests.run(["-e", "print hi"]).out == "hi\n")
        #expect(try CommandLineTests.run(["-e", "print \"x"]).status == 65)
        #expect(try CommandLineTests.run(["-e", "print $x"]).status == 70)
        #expect(try CommandLineTests.run(["no-such-file.red"]).status == 66)
        #expect(try CommandLineTests.run(["-e", "load \"missing.png\""]).status == 66)
        #expect(try CommandLineTests.run(["-e", "load \"Stdlib/images/coffee-64.png\"; save x \"/no/such/dir/x.png\""]).status == 74)
        let e = try CommandLineTests.run(["-e", "load \"Stdlib/images/coffee-64.png\"; downsample 3"])
        #expect(e.status == 70)
        #expect(e.err.hasPrefix("-e:1:37: error: factor=3 does not fit"))
        #expect(try CommandLineTests.run(["--frobnicate"]).status == 64)
        #expect(try CommandLineTests.run(["--version"]).out.hasPrefix("0."))
        #expect(try CommandLineTests.run(["--help"]).out.contains("USAGE: red"))
        #expect(try CommandLineTests.run(["--seed", "4", "-e", "show"]).out.contains("seed    4"))
    }
}
