import Foundation
import Testing
import TensorCore
@testable import Networks

/// A checkpoint with a missing, extra or mis-shaped tensor is an error naming key and shapes.
struct CheckpointErrorTests {
    static func tinyTensors() throws -> (UNetConfig, [String: Tensor]) {
        let file = try SafeTensors(contentsOf: ADMTinyFixtureTests.dir + "/model.safetensors")
        return (try UNetConfig(json: try #require(file.metadata["config"])), file.tensors)
    }

    @Test func missingTensorIsNamed() throws {
        var (config, tensors) = try Self.tinyTensors()
        tensors["middle_block.1.qkv.weight"] = nil
        #expect(throws: NetworkError.missingTensor(key: "middle_block.1.qkv.weight", expected: [192, 64, 1], path: "ck")) {
            try UNetModel(config: config, stateDict: tensors, path: "ck")
        }
    }

    @Test func extraTensorIsNamed() throws {
        var (config, tensors) = try Self.tinyTensors()
        tensors["input_blocks.2.0.op.weight"] = Tensor.zeros([32, 32, 3, 3])
        #expect(throws: NetworkError.unexpectedTensor(key: "input_blocks.2.0.op.weight", found: [32, 32, 3, 3], path: "ck")) {
            try UNetModel(config: config, stateDict: tensors, path: "ck")
        }
    }

    @Test func misShapedTensorIsNamed() throws {
        var (config, tensors) = try Self.tinyTensors()
        tensors["out.2.weight"] = Tensor.zeros([3, 32, 3, 3])
        let error = #expect(throws: NetworkError.self) { try UNetModel(config: config, stateDict: tensors, path: "ck") }
        #expect(error == .shapeMismatch(key: "out.2.weight", expected: [6, 32, 3, 3], found: [3, 32, 3, 3], path: "ck"))
        #expect(error.map { "\($0)" }?.contains("'out.2.weight' has shape [3, 32, 3, 3], expected [6, 32, 3, 3]") == true)
        // a different configuration (no learned σ) does not fit the original checkpoint
        let (_, original) = try Self.tinyTensors()
        config.outChannels = 3
        #expect(throws: NetworkError.shapeMismatch(key: "out.2.weight", expected: [3, 32, 3, 3], found: [6, 32, 3, 3], path: "ck")) {
            try UNetModel(config: config, stateDict: original, path: "ck")
        }
    }

    @Test(arguments: [
        (#"{"image_size": 32, "attention_resolutions": []}"#, "missing key 'model_channels'"),
        (#"{"image_size":32,"model_channels":32,"out_channels":6,"num_res_blocks":1,"attention_resolutions":[3],"channel_mult":[1,2,2]}"#, "attention factor 3"),
        (#"{"image_size":32,"model_channels":48,"out_channels":6,"num_res_blocks":1,"attention_resolutions":[],"channel_mult":[1,2]}"#, "multiple of 32"),
        (#"{"image_size":32,"model_channels":32,"out_channels":6,"num_res_blocks":1,"attention_resolutions":[2],"channel_mult":[1,2],"num_head_channels":24}"#, "num_head_channels 24"),
        (#"{"image_size":32,"model_channels":32,"out_channels":6,"num_res_blocks":1,"attention_resolutions":[],"dims":3}"#, "dims = 3"),
        ("[1, 2]", "not a JSON object"),
    ])
    func badConfigurationsAreRejected(json: String, fragment: String) throws {
        let error = #expect(throws: NetworkError.self) { try UNetConfig(json: json) }
        #expect(error.map { "\($0)" }?.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test func scriptUtilResolutionsAreConverted() throws {
        let c = try UNetConfig(json: #"{"image_size":256,"model_channels":256,"out_channels":6,"num_res_blocks":2,"attention_resolutions":"32,16,8","channel_mult":"1,1,2,2,4,4","num_heads":4,"num_head_channels":64,"use_scale_shift_norm":true,"resblock_updown":true}"#)
        #expect(c == .imageNet256Unconditional)
        #expect(try UNetConfig(json: c.json) == c)
    }

    @Test func unreadableOrForeignFilesAreErrors() throws {
        #expect(throws: NetworkError.self) { try UNetModel(contentsOf: "/nonexistent/model.safetensors") }
        let foreign = ADMTinyFixtureTests.dir + "/io.safetensors"   // format guided-diffusion-unet-io
        let error = #expect(throws: NetworkError.self) { try UNetModel(contentsOf: foreign) }
        #expect(error.map { "\($0)" }?.contains("guided-diffusion-unet-io") == true)
    }
}

/// Dispatch by header: only U-Net checkpoints are recognised, without reading the tensors.
struct CheckpointHeaderTests {
    @Test func formatIsReadFromTheHeader() {
        let dir = ADMTinyFixtureTests.dir
        #expect(UNetModel.isCheckpoint(path: dir + "/model.safetensors"))
        #expect(!UNetModel.isCheckpoint(path: dir + "/io.safetensors"))
        #expect(!UNetModel.isCheckpoint(path: dir + "/config.json"))
        #expect(!UNetModel.isCheckpoint(path: "/nonexistent.safetensors"))
        #expect(UNetModel.metadata(ofFileAt: dir + "/io.safetensors")?["format"] == "guided-diffusion-unet-io")
    }
}
