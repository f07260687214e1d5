@preconcurrency import CReadline
import Foundation
import Workbench

/// Ctrl-C: during a command it sets the session's cancellation flag (solvers stop between
/// steps); at the prompt it clears the line.
enum Interrupts {
    nonisolated(unsafe) static var flag: Cancellation?
    nonisolated(unsafe) static var atPrompt = false

    static func install(_ f: Cancellation) {
        flag = f
        signal(SIGINT) { _ in
            if Interrupts.atPrompt {
                // at the prompt: abandon the line, as shells do
                write(1, "^C\n", 3)
                rl_on_new_line()
                rl_replace_line("", 0)
                rl_redisplay()
            } else {
                Interrupts.flag?.cancel()
            }
        }
    }
}
