import Foundation
import Workbench

/// `red --kernel`: the front-end protocol (`Workbench.KernelServer`) on standard input and output.
/// Requests are read one line at a time and run in order; SIGINT stops a running solve between
/// steps (as Ctrl-C does at the prompt); the end of input ends the process.
enum KernelMode {
    static func run(_ session: Session) {
        // the protocol owns standard output: anything else printed goes to standard error
        let protocolFD = dup(1)
        dup2(2, 1)
        let out = FileHandle(fileDescriptor: protocolFD, closeOnDealloc: true)
        let lock = NSLock()
        let kernel = KernelServer(session: session) { line in
            lock.lock()
            defer { lock.unlock() }
            out.write(Data((line + "\n").utf8))
        }
        kernel.start(version: Red.version)
        while let line = readLine(strippingNewline: true) {
            if !kernel.handle(line: line) { break }
        }
    }
}
