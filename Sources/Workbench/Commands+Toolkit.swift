import ScriptLang

extension Session {
    /// Commands backed by the numeric libraries.
    func dispatchToolkit(_ a: Arguments, file: SourceFile) throws {
        throw a.error(.notAvailable("'\(a.command)' is not available in this build yet"))
    }
}
