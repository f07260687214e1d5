import Foundation
import Testing
@testable import Workbench

struct ShardTests {
    @Test(arguments: [("1/1", true), ("2/4", true), ("4/4", true), ("0/4", false), ("5/4", false), ("1/0", false), ("a/b", false), ("3", false)])
    func parsing(text: String, valid: Bool) {
        #expect((Shard(parsing: text) != nil) == valid)
    }

    @Test func csvPathsGetTheSuffix() throws {
        let s = try #require(Shard(parsing: "2/4"))
        #expect(s.csvPath("out/m.csv") == "out/m.shard2-of-4.csv")
        #expect(s.csvPath("out/M.CSV") == "out/M.shard2-of-4.CSV")
        #expect(s.csvPath("out/r.png") == "out/r.png")
    }

    /// Every item has exactly one owner, whatever N.
    @Test func theShardsPartitionTheItems() {
        let items = (0..<200).map { "image-\($0).png" }
        for n in [1, 2, 3, 4, 7] {
            let owners = items.map { Shard.owner(of: $0, count: n) }
            #expect(owners.allSatisfy { (1...n).contains($0) })
            if n > 1 { #expect(Set(owners).count == n) }
        }
    }

    /// 4 shard processes against one prior server give exactly the table of one process
    /// (`--shard 1/1`), after `Scripts/merge-results --table`; the `seconds` column (wall-clock)
    /// is left out. Each image writes its own metrics file; a shard may own no image.
    @Test(.enabled(if: CommandLineTests.binary != nil)) func fourShardsGiveTheSingleProcessTable() throws {
        let server = try PriorTestServer()
        let root = PriorTestServer.root
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("red-shard-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        func script(_ out: String) -> String {
            """
            set progress=off
            prior remote "\(server.url("gauss"))" timeout=20
            for img in [astronaut, camera, chelsea, coffee] {
              load "\(root)/Stdlib/images/$img-64.png" size=16
              mask random 0.5
              noise 0.05
              measure
              for s in [1, 2] {
                solve reddiff steps=6 lr=0.5 as r_$s
              }
              metrics to "\(out)/m_$img.csv"
              clear
            }
            """
        }
        var results: [String: String] = [:]
        for (label, shards) in [("one", ["1/1"]), ("four", ["1/4", "2/4", "3/4", "4/4"])] {
            let dir = tmp + "/" + label
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let file = dir + "/run.red"
            try script(dir).write(toFile: file, atomically: true, encoding: .utf8)
            let processes = try shards.map { k -> Process in
                let p = Process()
                p.executableURL = CommandLineTests.binary
                p.arguments = ["--shard", k, file]
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                return p
            }
            for p in processes { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
            let merge = Process()
            merge.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            merge.arguments = ["python3", root + "/Scripts/merge-results", "--table", dir + "/all.csv", dir]
            merge.standardOutput = FileHandle.nullDevice
            try merge.run()
            merge.waitUntilExit()
            #expect(merge.terminationStatus == 0)
            let table = try String(contentsOfFile: dir + "/all.csv", encoding: .utf8)
            // drop the seconds column (index 5: file,name,psnr,ssim,residual,seconds,data_loss)
            results[label] = table.split(separator: "\n").map { line in
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if cells.count > 5 { cells.remove(at: 5) }
                return cells.joined(separator: ",")
            }.joined(separator: "\n")
        }
        let one = try #require(results["one"]), four = try #require(results["four"])
        #expect(one.split(separator: "\n").count == 9)
        #expect(one == four)
    }
}
