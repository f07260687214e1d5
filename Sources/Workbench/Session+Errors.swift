import ScriptLang

extension Session {
    /// Runs library code, turning its thrown errors into a diagnostic at `range` (default: the
    /// statement) of the given kind.
    func attempt<T>(_ a: Arguments, at range: SourceRange? = nil, kind: FailureKind = .runtime, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let d as Diagnostic {
            throw d
        } catch {
            var d = a.error(.failed("\(error)"), range)
            d.kind = kind
            throw d
        }
    }

    /// A runtime error of the given kind at the statement or `range`.
    func failure(_ a: Arguments, _ message: String, at range: SourceRange? = nil, kind: FailureKind = .runtime) -> Diagnostic {
        var d = a.error(.failed(message), range)
        d.kind = kind
        return d
    }

    /// The ground truth, or an error saying how to get one.
    func requireX(_ a: Arguments) throws -> Datum {
        guard let x = state.x else { throw failure(a, "no image yet: 'load \"FILE.png\"' (or 'sample prior') first") }
        return x
    }
}
