import Testing
import Samplers

@Suite("RED-diff learning-rate schedules")
struct LearningRateScheduleTests {
    @Test(arguments: [
        (REDDiffOptions.LearningRateSchedule.constant, [1.0, 1.0, 1.0]),
        (.linear, [1.0, 0.5, 0.25]),
        (.cosine, [1.0, 0.5, 0.1464466]),
    ])
    func factors(schedule: REDDiffOptions.LearningRateSchedule, expected: [Double]) {
        let got = [0, 50, 75].map { schedule.factor(step: $0, of: 100) }
        for (g, e) in zip(got, expected) { #expect(abs(g - e) < 1e-6) }
        // every schedule starts at the full rate and stays positive before the end
        #expect(schedule.factor(step: 0, of: 100) == 1)
        #expect(schedule.factor(step: 99, of: 100) > 0)
    }
}
