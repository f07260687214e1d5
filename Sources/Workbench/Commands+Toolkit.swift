import ScriptLang

extension Session {
    /// Commands backed by the numeric libraries.
    func dispatchToolkit(_ a: Arguments, file: SourceFile) throws {
        switch a.command {
        case "load": try cmdLoad(a)
        case "observe": try cmdObserve(a)
        case "crop": try cmdCrop(a)
        case "matrix": try cmdMatrix(a)
        case "sample": try cmdSample(a)
        case "predict": try cmdPredict(a)
        case "mask", "blur", "downsample", "colorize", "phase", "hdr", "sense": try cmdDegradation(a)
        case "noise": try cmdNoise(a)
        case "fit": try cmdFit(a)
        case "clear":
            try a.atMost(0)
            state.chain = []
            state.noise = 0
            state.invalidateMeasurement()
        case "measure": try a.atMost(0); try measure(a)
        case "prior": try cmdPrior(a)
        case "solve": try cmdSolve(a)
        case "compare": try cmdCompare(a)
        case "metrics": try cmdMetrics(a)
        case "plot": try cmdPlot(a)
        case "save": try cmdSave(a)
        case "view": try cmdView(a)
        case "train": try cmdTrain(a)
        default: throw a.error(.unknownCommand(a.command, suggestion: nil))
        }
    }
}
