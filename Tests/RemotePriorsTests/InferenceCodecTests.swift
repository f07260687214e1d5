import Foundation
import Testing
@testable import RemotePriors

@Suite struct InferenceCodecTests {
    /// A response body as a server writes it: the JSON header, then the tensors' bytes.
    static func binaryResponse(_ values: [Float], shape: [Int]) -> (Data, Int) {
        let head = Data("{\"outputs\":[{\"name\":\"eps\",\"datatype\":\"FP32\",\"shape\":\(shape),\"parameters\":{\"binary_data_size\":\(values.count * 4)}}]}".utf8)
        return (head + values.withUnsafeBytes { Data($0) }, head.count)
    }

    @Test(arguments: BodyEncoding.allCases)
    func requestCarriesTheInputs(encoding: BodyEncoding) throws {
        let x = InferenceTensor(name: "x_t", shape: [2, 3], data: .fp32([0.1, -2, 3.5e-8, 4, 5, 6]))
        let t = InferenceTensor(name: "t", shape: [2], data: .int64([7, 7]))
        let (body, hl) = InferenceCodec.encodeRequest([x, t], outputs: ["eps"], encoding: encoding)
        let head = try #require(try JSONSerialization.jsonObject(with: body.prefix(hl ?? body.count)) as? [String: Any])
        let inputs = try #require(head["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["name"] as? String } == ["x_t", "t"])
        if encoding == .binary {
            #expect(hl != nil)
            let tail = body.suffix(from: body.startIndex + (hl ?? 0))
            #expect(tail.count == 6 * 4 + 2 * 8)
            var floats = [Float](repeating: 0, count: 6)
            floats.withUnsafeMutableBytes { _ = tail.prefix(24).copyBytes(to: $0) }
            #expect(floats == [0.1, -2, 3.5e-8, 4, 5, 6])
        } else {
            #expect(hl == nil)
            let data = try #require(inputs[0]["data"] as? [NSNumber])
            #expect(data.map(\.floatValue) == [0.1, -2, 3.5e-8, 4, 5, 6])
        }
    }

    @Test func decodesBinaryAndJSONAnswers() throws {
        let values: [Float] = [1, -0.5, 2e-7, 3]
        let (body, hl) = Self.binaryResponse(values, shape: [2, 2])
        let b = try InferenceCodec.decodeResponse(body, headerLength: hl, url: "u")
        #expect(b["eps"]?.floats == values && b["eps"]?.shape == [2, 2])
        let json = Data("{\"outputs\":[{\"name\":\"eps\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[[1,-0.5],[2e-7,3]]}]}".utf8)
        let j = try InferenceCodec.decodeResponse(json, headerLength: nil, url: "u")
        #expect(j["eps"]?.floats == values)
    }

    /// Malformed answers: each names what is wrong.
    @Test(arguments: [
        ("not json", nil as Int?, "not JSON"),
        ("{\"outputs\":[{\"name\":\"eps\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2]}]}", nil, "has 2 elements"),
        ("{\"outputs\":[{\"name\":\"eps\",\"datatype\":\"FP32\",\"shape\":[2],\"parameters\":{\"binary_data_size\":8}}]}", 200, "Inference-Header-Content-Length"),
        ("{\"outputs\":[{\"name\":\"eps\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"a\"]}]}", nil, "datatype BYTES"),
        ("{\"error\":\"out of memory\"}", nil, "out of memory"),
        ("{\"model_name\":\"m\"}", nil, "no 'outputs'"),
    ])
    func malformedAnswers(body: String, headerLength: Int?, expected: String) {
        #expect {
            _ = try InferenceCodec.decodeResponse(Data(body.utf8), headerLength: headerLength, url: "u")
        } throws: { error in
            guard let e = error as? RemotePriorError, case .malformed = e else { return false }
            return e.description.contains(expected)
        }
    }

    @Test func truncatedBinaryDataIsMalformed() {
        let (body, hl) = Self.binaryResponse([1, 2, 3, 4], shape: [4])
        #expect(throws: RemotePriorError.self) { _ = try InferenceCodec.decodeResponse(body.prefix(body.count - 3), headerLength: hl, url: "u") }
    }

    @Test(arguments: ["ftp://h/v2/models/m", "http://h:1/models/m", "http://h:1/v2/models", "not a url"])
    func rejectsURLsThatAreNotModelURLs(url: String) {
        #expect(throws: RemotePriorError.self) { _ = try InferenceClient(url: url) }
    }

    @Test func modelURLParts() throws {
        let c = try InferenceClient(url: "http://127.0.0.1:8000/v2/models/unet/")
        #expect(c.modelName == "unet")
        #expect(c.serverURL.absoluteString == "http://127.0.0.1:8000")
        #expect(c.modelURL.absoluteString == "http://127.0.0.1:8000/v2/models/unet")
    }
}
