import Foundation
import ScriptLang
import TensorCore
import Diffusion
import RemotePriors
import Samplers

extension CommandTable {
    /// The options of `prior remote "URL"`.
    static let remotePriorOptions: [OptionSpec] = [
        .number("timeout", RemotePrior.Options().timeout, "seconds one attempt of one request may take", min: 0, exclusiveMin: true),
        .integer("retries", RemotePrior.Options().retries, "further attempts after no answer or HTTP 502/503/504", min: 0, max: 10),
        .choice("body", InferenceClient.Encoding.auto, "binary tensors (auto: JSON once the server refuses them) or plain JSON"),
        .text("vjp", "the VJP companion's model URL (default: the metadata's vjp_model)"),
    ]
}

extension Session {
    /// `prior remote "http://HOST:PORT/v2/models/NAME" [timeout=S] [retries=N] [body=…] [vjp="URL"]`:
    /// a prior served over the Open Inference Protocol, checked for readiness now.
    func cmdPriorRemote(_ a: Arguments) throws {
        try a.atMost(2)
        let url = try a.positionalText(1, "the model URL (\"http://HOST:PORT/v2/models/NAME\")")
        var options = RemotePrior.Options()
        options.timeout = try a.number("timeout")
        options.retries = try a.integer("retries")
        options.encoding = try a.choice("body", as: InferenceClient.Encoding.self)
        options.companionURL = try a.text("vjp")
        let range = a.positionals.count > 1 ? a.positionals[1].range : nil
        let prior = try attempt(a, at: range) { try RemotePrior(url: url, options: options) }
        state.prior = prior
        state.priorName = "remote \"\(url)\"" + (prior.hasVJP ? "" : " (no VJP companion: reddiff, ddrm, ddim)")
        state.priorSettings = nil
    }

    /// Why the remote prior's last request failed (nil: it did not, or the prior is not remote).
    var remoteFailure: RemotePriorError? { (state.prior as? RemotePrior)?.failure }

    /// Lets a remote prior send requests again (before a solve).
    func resetRemoteFailure() { (state.prior as? RemotePrior)?.resetFailure() }

    /// The error of a solve stopped by its prior server at `step`; the last finished iterate, if
    /// any, is kept as `name` first (as an interrupted solve keeps it).
    func remoteSolveFailure(_ a: Arguments, step: Int, steps: Int, last: Tensor?, name: String, n: Int, isImage: Bool) -> PriorServerFailure {
        let cause = remoteFailure.map { "\($0)" } ?? "the prior server failed"
        var kept = "nothing was kept (no step had finished)"
        if let last {
            store(last, name: name, n: n, a: a, origin: sourceText(a), seconds: nil, isImage: isImage)
            kept = "kept the last iterate (step \(step - 1)) as '\(name)'"
        }
        return PriorServerFailure(diagnostic: failure(a, "the prior server failed at step \(step)/\(steps): \(cause); \(kept)"))
    }
}

/// A solve stopped by its prior server: the script stops with `diagnostic`, and the session keeps
/// what the statement did up to then (the last iterate), as after Ctrl-C.
struct PriorServerFailure: Error, CustomStringConvertible {
    let diagnostic: Diagnostic
    var description: String { diagnostic.message }
}
