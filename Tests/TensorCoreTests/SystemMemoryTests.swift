import Testing
@testable import TensorCore

/// `SystemMemory` reads Linux's `/proc`.
struct SystemMemoryTests {
    @Test func readsProcEntries() throws {
        #if os(Linux)
        let available = try #require(SystemMemory.available), resident = try #require(SystemMemory.resident)
        #expect(available > 0 && resident > 0)
        // touching 64 MiB raises the peak by at least that much
        let before = try #require(SystemMemory.resident)
        var block = [UInt8](repeating: 1, count: 64 << 20)
        block[block.count - 1] = 2
        let peak = try #require(SystemMemory.peakResident)
        #expect(peak >= before + (60 << 20), "peak \(peak), resident before \(before)")
        withExtendedLifetime(block) {}
        #expect(SystemMemory.kibibytes("VmHWM:", in: "/proc/self/status") == peak || SystemMemory.peakResident ?? 0 >= peak)
        #expect(SystemMemory.kibibytes("NoSuchKey:", in: "/proc/self/status") == nil)
        #endif
    }
}
