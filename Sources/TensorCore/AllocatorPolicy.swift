#if canImport(Glibc)
import CMalloc
#endif

/// How the process's allocator treats the large, short-lived blocks of tensors.
///
/// By default glibc serves every block above its mmap threshold (at most 32 MiB) with a fresh
/// `mmap` and returns it on `free`, so every activation of a network pass at 256² costs page
/// faults and zeroing by the kernel, pass after pass. `reuseFreedBlocks()` makes the heap keep
/// freed blocks for the next pass instead. Executables call it once at start; a library host
/// keeps its own policy unless it calls it too.
public enum AllocatorPolicy {
    /// Free memory above this many bytes at the top of the heap is still returned to the system
    /// (a long session does not keep the peak of one large job forever).
    public static let retainedBytes = 512 << 20

    /// Serves large blocks from the heap (no per-block `mmap`) and keeps up to `retainedBytes`
    /// of freed memory for reuse. Does nothing where the C library is not glibc.
    public static func reuseFreedBlocks() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, Int32(retainedBytes))
        #endif
    }

    /// Puts back glibc's defaults (blocks above the mmap threshold mapped one by one, 128 KiB
    /// trim threshold): the benchmarks' reference for `reuseFreedBlocks()`.
    public static func systemDefaults() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_MAX, 65_536)
        _ = mallopt(M_TRIM_THRESHOLD, 128 << 10)
        #endif
    }
}
