import Foundation
import Synchronization

/// A client of one model of an Open Inference Protocol (KServe V2 REST) server: readiness,
/// metadata and inference, each request with a timeout and bounded retries.
public final class InferenceClient: Sendable {
    /// Which body encoding requests use.
    public enum Encoding: String, Sendable, CaseIterable {
        /// Binary tensors first; plain JSON from the first request the server refuses (HTTP 4xx/5xx
        /// other than 502–504) on.
        case auto
        /// Always the binary-tensor extension.
        case binary
        /// Always plain JSON.
        case json
    }

    /// Traffic counters (for overhead figures).
    public struct Statistics: Sendable, Equatable {
        /// Inference requests answered.
        public var requests = 0
        /// Seconds spent in inference requests, encoding and decoding included.
        public var seconds = 0.0
        /// Seconds spent encoding requests and decoding responses.
        public var codecSeconds = 0.0
        /// Request body bytes sent.
        public var bytesSent = 0
        /// Response body bytes received.
        public var bytesReceived = 0
        public init() {}
    }

    /// The model URL `http://HOST:PORT/v2/models/NAME[/versions/V]`.
    public let modelURL: URL
    /// The model's name.
    public let modelName: String
    /// The server's root `http://HOST:PORT`.
    public let serverURL: URL
    /// The requested encoding.
    public let encoding: Encoding
    private let transport: HTTPTransport
    /// The encoding in force (auto: binary until the server refuses it).
    private let current: Mutex<BodyEncoding>
    private let stats = Mutex(Statistics())

    /// A client of the model at `url`; nothing is sent yet.
    /// - Parameters:
    ///   - timeout: seconds one attempt of one request may take.
    ///   - retries: further attempts after a transport error or HTTP 502/503/504.
    /// - Throws: `RemotePriorError.invalidURL` when `url` is not an http(s) model URL.
    public init(url: String, timeout: Double = 120, retries: Int = 2, encoding: Encoding = .auto) throws(RemotePriorError) {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = u.host, !host.isEmpty else {
            throw .invalidURL(url, message: "not an http:// or https:// URL")
        }
        let parts = u.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "v2", parts[1] == "models", parts.count == 3 || (parts.count == 5 && parts[3] == "versions") else {
            throw .invalidURL(url, message: "the path should be /v2/models/NAME")
        }
        guard timeout > 0, timeout.isFinite else { throw .invalidURL(url, message: "the timeout must be positive") }
        guard (0...10).contains(retries) else { throw .invalidURL(url, message: "retries must lie in 0...10") }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        modelURL = URL(string: trimmed) ?? u
        modelName = parts[2]
        serverURL = URL(string: "\(scheme)://\(host)" + (u.port.map { ":\($0)" } ?? "")) ?? u
        self.encoding = encoding
        transport = HTTPTransport(timeout: timeout, retries: retries)
        current = Mutex(encoding == .json ? .json : .binary)
    }

    /// The client of model `name` on the same server, with the same settings.
    public func sibling(named name: String) throws(RemotePriorError) -> InferenceClient {
        try InferenceClient(url: serverURL.absoluteString + "/v2/models/" + name, timeout: transport.timeout,
                            retries: transport.attempts - 1, encoding: encoding)
    }

    /// The seconds one attempt may take.
    public var timeout: Double { transport.timeout }

    /// The traffic so far.
    public var statistics: Statistics { stats.withLock { $0 } }

    /// Throws unless `GET …/ready` answers 200.
    /// - Throws: `RemotePriorError.unreachable` or `.notReady`.
    public func checkReady() throws(RemotePriorError) {
        let r = try transport.get(modelURL.appendingPathComponent("ready"))
        guard r.status == 200 else {
            if r.status == 404 { throw .http(url: modelURL.absoluteString, status: 404, body: "no such model on this server") }
            throw .notReady(url: modelURL.absoluteString)
        }
    }

    /// The model metadata (`GET /v2/models/NAME`).
    /// - Throws: `RemotePriorError` when it cannot be fetched or is not a JSON object.
    public func metadata() throws(RemotePriorError) -> ModelMetadata {
        let r = try transport.get(modelURL)
        guard r.status == 200 else { throw .http(url: modelURL.absoluteString, status: r.status, body: InferenceCodec.snippet(r.body)) }
        return try ModelMetadata(json: r.body, url: modelURL.absoluteString)
    }

    /// Runs the model on `inputs` and returns the requested `outputs` by name.
    /// - Throws: `RemotePriorError` when the server cannot be reached, answers with an HTTP error,
    ///   or its answer lacks an output or does not decode.
    public func infer(_ inputs: [InferenceTensor], outputs: [String]) throws(RemotePriorError) -> [String: InferenceTensor] {
        let start = ContinuousClock.now
        let url = modelURL.appendingPathComponent("infer")
        var enc = current.withLock { $0 }
        var codec = Duration.zero
        var sent = 0
        while true {
            let t0 = ContinuousClock.now
            let (body, headerLength) = InferenceCodec.encodeRequest(inputs, outputs: outputs, encoding: enc)
            codec += ContinuousClock.now - t0
            var headers = ["Content-Type": enc == .binary ? "application/octet-stream" : "application/json"]
            if let headerLength { headers[InferenceCodec.headerLengthField] = String(headerLength) }
            let r = try transport.post(url, body: body, headers: headers)
            sent += body.count
            if r.status != 200 {
                if encoding == .auto, enc == .binary, r.status >= 400, ![502, 503, 504].contains(r.status) {
                    enc = .json
                    current.withLock { $0 = .json }
                    continue
                }
                throw .http(url: url.absoluteString, status: r.status, body: Self.errorText(r.body))
            }
            let t1 = ContinuousClock.now
            let answerHeaderLength = try r.header(InferenceCodec.headerLengthField).map { (s: String) throws(RemotePriorError) -> Int in
                guard let n = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw .malformed(url: url.absoluteString, message: "\(InferenceCodec.headerLengthField) is '\(s)'")
                }
                return n
            }
            let decoded = try InferenceCodec.decodeResponse(r.body, headerLength: answerHeaderLength, url: url.absoluteString)
            codec += ContinuousClock.now - t1
            for name in outputs where decoded[name] == nil {
                throw .malformed(url: url.absoluteString, message: "the response has no output '\(name)'")
            }
            let total = ContinuousClock.now - start
            let received = r.body.count
            stats.withLock {
                $0.requests += 1
                $0.seconds += Self.seconds(total)
                $0.codecSeconds += Self.seconds(codec)
                $0.bytesSent += sent
                $0.bytesReceived += received
            }
            return decoded
        }
    }

    /// The server's error text: the `error` field of a JSON answer, else its start.
    static func errorText(_ body: Data) -> String {
        if let o = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let e = o["error"] as? String { return e }
        return InferenceCodec.snippet(body)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
