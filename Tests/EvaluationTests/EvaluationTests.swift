import Testing
import Foundation
import TensorCore
import Degradations
import Samplers
@testable import Evaluation

@Suite("Evaluation tasks and sessions")
struct EvaluationTests {
    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib").path

    /// Every task's statement sets up its operator in a session; the classical methods apply
    /// where they should and beat the pseudo-inverse where they are the task's reference.
    @Test(arguments: EvaluationTask.allCases)
    func taskSetsUpAndClassicalMethodsApply(task: EvaluationTask) throws {
        let s = try EvaluationSession(stdlib: Self.stdlib)
        try s.run("set seed=1\n" + (try EvaluationImage.centred(path: "\(Self.stdlib)/images/astronaut-64.png", side: 48)) + "\n\(task.statement)\nmeasure")
        let problem = try s.session.currentProblem()
        let truth = try #require(problem.x)
        #expect(truth.shape == [3, 48, 48])
        #expect(problem.op.isLinear == task.isLinear)
        #expect(s.session.state.taskFamily == task.family)
        // only phase retrieval is scored up to ambiguities; −x is one of them, per channel
        if let (aligned, choices) = try s.aligned(truth * -1) {
            #expect(task == .phaseRetrieval)
            #expect(choices == [.negated, .negated, .negated])
            #expect(aligned == truth)
        } else {
            #expect(task != .phaseRetrieval)
        }
        for method in ClassicalMethod.allCases {
            let x = method.reconstruct(y: problem.y, op: problem.op, truth: truth)
            #expect((x != nil) == (task.classical.contains(method) || (method == .tikhonov || method == .tv) && task.isLinear
                                                                       || method == .biharmonic && task == .inpainting))
            if method == task.reference, task.isLinear, let x {
                let pinv = try s.scores(problem.op.pseudoInverse(problem.y)).psnr
                #expect(try s.scores(x).psnr > pinv)
            }
        }
    }

    @Test(arguments: [(640, 480, 256, 341, 256), (300, 451, 64, 64, 96), (100, 100, 64, 64, 64)])
    func coverKeepsTheAspectRatio(w: Int, h: Int, side: Int, rw: Int, rh: Int) {
        #expect(EvaluationImage.cover(width: w, height: h, shorter: side) == (rw, rh))
    }

    @Test func cropsAreSeededAndInside() throws {
        let path = "\(Self.stdlib)/images/coffee-64.png"
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let one = try EvaluationImage.crop(path: path, side: 32, scale: 48, using: &a)
        #expect(one == (try EvaluationImage.crop(path: path, side: 32, scale: 48, using: &b)))
        let s = try EvaluationSession(stdlib: Self.stdlib)
        try s.run(one)
        #expect(s.truth?.shape == [3, 32, 32])
    }

    @Test func aFailingStatementIsAnError() throws {
        let s = try EvaluationSession(stdlib: Self.stdlib)
        #expect(throws: EvaluationError.self) { try s.run("load \"/nonexistent.png\"") }
        #expect(throws: EvaluationError.self) { try s.result("nothing") }
    }
}
