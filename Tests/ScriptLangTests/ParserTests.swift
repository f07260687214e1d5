import Testing
@testable import ScriptLang

struct ParserTests {
    func parse(_ s: String) -> Program { Parser.parse(SourceFile(name: "t.red", text: s)) }

    @Test func commandWithPositionalOptionsAndAs() {
        let p = parse("solve reddiff steps=100 lr=0.25 as red2")
        #expect(p.diagnostics.isEmpty)
        guard case let .command(name, _, args, _) = p.statements.first else { Issue.record("no command"); return }
        #expect(name == "solve")
        #expect(args.map(\.key) == [nil, "steps", "lr", "as"])
    }

    @Test func controlForms() {
        let p = parse("""
            let lr = 0.5
            for w in [snr, sqrt, const] { solve reddiff weight=$w as r_$w }
            def sr4 a=1 b=2 {
              clear; downsample 4
              noise 0.05
            }
            sr4
            """)
        #expect(p.diagnostics.isEmpty)
        #expect(p.statements.count == 4)
        if case let .define(name, _, params, body, _) = p.statements[2] {
            #expect(name == "sr4")
            #expect(params.map(\.key) == ["a", "b"])
            #expect(body.count == 3)
        } else {
            Issue.record("expected def")
        }
    }

    @Test func ifElse() {
        let p = parse("if $m == pigdm { a } else { b; c }\nif 1 < 2 { a }\nif 1 { a }")
        guard case let .conditional(_, op, _, _, then, otherwise, _) = p.statements.first else { Issue.record("expected if"); return }
        #expect(op == .equal && then.count == 1 && otherwise.count == 2)
        guard case let .conditional(_, op2, _, _, _, otherwise2, _) = p.statements[1] else { Issue.record("expected if"); return }
        #expect(op2 == .less && otherwise2.isEmpty)
        #expect(p.diagnostics.map(\.description) == ["t.red:3:6: error: expected a comparison (==, !=, <, <=, >, >=) after 'if 1', found '{'"])
    }

    @Test func tryBlock() {
        let p = parse("try { load \"a.png\"; sr4 }\ntry\ntry print 1")
        guard case let .attempt(body, range) = p.statements.first else { Issue.record("expected try"); return }
        #expect(body.count == 2)
        #expect(range.start.column == 1 && range.end.line == 1)
        #expect(p.diagnostics.map(\.description) == [
            "t.red:2:4: error: expected '{' after 'try', found end of line",
            "t.red:3:5: error: expected '{' after 'try', found 'print'",
        ])
    }

    @Test func recoversAndCollectsAllErrors() {
        let p = parse("let = 3\nload \"a.png\"\nfor x [1] { a }\nshow }\nlet y = [1, 2")
        #expect(p.diagnostics.map(\.description) == [
            "t.red:1:5: error: expected a variable name after 'let', found '='",
            "t.red:3:7: error: expected 'in' after 'for x', found '['",
            "t.red:4:6: error: unexpected '}' without an open '{'",
            "t.red:5:9: error: unclosed '[': the input ended before it was closed",
        ])
        #expect(p.statements.count == 2)  // load and show survived
        #expect(!p.needsMoreInput)
    }

    @Test func openBlockNeedsMoreInput() {
        #expect(parse("for w in [a, b] {\n  show").needsMoreInput)
        #expect(parse("def f {").needsMoreInput)
        #expect(parse("let x = [1,").needsMoreInput)
        #expect(!parse("def f { show }").needsMoreInput)
    }

    @Test func rendererShowsExcerptWithCaret() {
        let file = SourceFile(name: "t.red", text: "show\nsolve reddif steps=3\n")
        let d = Diagnostic(.error, "unknown method 'reddif'; did you mean 'reddiff'?",
                           at: SourceRange(start: SourcePosition(offset: 11, line: 2, column: 7),
                                           end: SourcePosition(offset: 17, line: 2, column: 13)), in: "t.red")
        #expect(DiagnosticRenderer().render(d, source: file) == "t.red:2:7: error: unknown method 'reddif'; did you mean 'reddiff'?")
        #expect(DiagnosticRenderer(showExcerpt: true).render(d, source: file) == """
            t.red:2:7: error: unknown method 'reddif'; did you mean 'reddiff'?
             2 | solve reddif steps=3
               |       ^~~~~~
            """)
    }

    @Test(arguments: [("reddif", "reddiff"), ("gausian", "gaussian"), ("stpes", "steps"), ("zzzz", nil)] as [(String, String?)])
    func suggestions(word: String, expected: String?) {
        #expect(EditDistance.suggestion(for: word, among: ["reddiff", "gaussian", "steps", "lr", "ddim"]) == expected)
    }
}
