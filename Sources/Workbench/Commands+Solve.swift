import ScriptLang

extension Session {
    func cmdSolve(_ a: Arguments) throws { throw failure(a, "the samplers are not in this build yet") }
    func cmdCompare(_ a: Arguments) throws { throw failure(a, "the samplers are not in this build yet") }
    func cmdPlot(_ a: Arguments) throws { throw failure(a, "the samplers are not in this build yet") }
}
