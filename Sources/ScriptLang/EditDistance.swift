/// "Did you mean" suggestions by Damerau–Levenshtein (optimal string alignment) distance.
public enum EditDistance {
    /// The edit distance between two strings (insertions, deletions, substitutions, transpositions).
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }

    /// The closest candidate within a distance that scales with the word's length, or nil.
    public static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let limit = Swift.max(1, Swift.min(3, word.count / 3 + 1))
        var best: (String, Int)?
        for c in candidates where c != word {
            let d = distance(word, c)
            guard d <= limit else { continue }
            // ties: a candidate that extends the word ("sqr" → "sqrt"), then alphabetical
            if let b = best {
                let key = (d, c.hasPrefix(word) ? 0 : 1, c), old = (b.1, b.0.hasPrefix(word) ? 0 : 1, b.0)
                if key >= old { continue }
            }
            best = (c, d)
        }
        if best == nil {
            // a prefix of a longer name ("gauss" for "gaussian") is a good guess too
            best = candidates.filter { $0.hasPrefix(word) && word.count >= 3 }.sorted().first.map { ($0, 0) }
        }
        return best?.0
    }
}
