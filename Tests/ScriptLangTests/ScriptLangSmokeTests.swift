import Testing
@testable import ScriptLang
