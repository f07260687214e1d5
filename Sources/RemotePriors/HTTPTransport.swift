import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Blocking HTTP exchanges over Foundation's `URLSession`, each with a timeout and a bounded
/// number of attempts.
final class HTTPTransport: Sendable {
    /// One answer.
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        /// A header's value, looked up case-insensitively.
        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    private let session: URLSession
    /// Seconds one attempt may take.
    let timeout: Double
    /// Attempts per exchange (1 + retries).
    let attempts: Int
    /// Seconds before the first retry (doubled for each further one).
    let backoff: Double

    init(timeout: Double, retries: Int, backoff: Double = 0.2) {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        config.httpMaximumConnectionsPerHost = 2
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: config)
        self.timeout = timeout
        self.attempts = retries + 1
        self.backoff = backoff
    }

    deinit { session.finishTasksAndInvalidate() }

    /// `GET url`.
    func get(_ url: URL) throws(RemotePriorError) -> Response {
        try exchange(URLRequest(url: url))
    }

    /// `POST url` with `body` and extra headers.
    func post(_ url: URL, body: Data, headers: [String: String]) throws(RemotePriorError) -> Response {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.httpBody = body
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        return try exchange(r)
    }

    /// Sends `request` up to `attempts` times: again after a transport error (refused, reset,
    /// timed out) or an HTTP 502/503/504, never after another answer.
    private func exchange(_ base: URLRequest) throws(RemotePriorError) -> Response {
        var request = base
        request.timeoutInterval = timeout
        let url = request.url?.absoluteString ?? "?"
        var lastCause = ""
        for attempt in 0..<attempts {
            if attempt > 0 { Thread.sleep(forTimeInterval: backoff * Double(1 << (attempt - 1))) }
            switch once(request) {
            case let .success(r) where [502, 503, 504].contains(r.status):
                lastCause = "HTTP \(r.status)"
                if attempt == attempts - 1 { return r }
            case let .success(r): return r
            case let .failure(f): lastCause = f.cause
            }
        }
        throw .unreachable(url: url, attempts: attempts, cause: lastCause)
    }

    /// One attempt, waiting for the completion handler.
    private func once(_ request: URLRequest) -> Result<Response, TransportFailure> {
        let box = Mutex<Result<Response, TransportFailure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            let result: Result<Response, TransportFailure>
            if let error {
                result = .failure(TransportFailure(Self.describe(error)))
            } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields { headers["\(k)"] = "\(v)" }
                result = .success(Response(status: http.statusCode, headers: headers, body: data ?? Data()))
            } else {
                result = .failure(TransportFailure("no HTTP response"))
            }
            box.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        // the session's own timeout ends the task; this bound only guards against a lost callback
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            return .failure(TransportFailure("timed out after \(timeout) s"))
        }
        return box.withLock { $0 } ?? .failure(TransportFailure("no answer"))
    }

    /// A short cause for a transport error.
    static func describe(_ error: any Error) -> String {
        let e = error as NSError
        if e.domain == NSURLErrorDomain {
            switch e.code {
            case NSURLErrorTimedOut: return "timed out"
            case NSURLErrorCannotConnectToHost: return "connection refused"
            case NSURLErrorNetworkConnectionLost: return "connection lost"
            case NSURLErrorCannotFindHost: return "unknown host"
            case NSURLErrorBadServerResponse: return "bad HTTP response"
            default: break
            }
        }
        return e.localizedDescription
    }
}

/// A transport error's cause, as text.
struct TransportFailure: Error, Sendable {
    let cause: String
    init(_ cause: String) { self.cause = cause }
}
