/// Several byte strings searched for in one pass: patterns are bucketed by their first byte, so
/// each position of the text is compared only against the patterns that start with its byte.
struct BytePatternSet: Sendable {
    private let buckets: [[[UInt8]]]

    init(_ patterns: [[UInt8]]) {
        var buckets = Array(repeating: [[UInt8]](), count: 256)
        for pattern in patterns where !pattern.isEmpty { buckets[Int(pattern[0])].append(pattern) }
        self.buckets = buckets
    }

    init(_ patterns: [String]) {
        self.init(patterns.map(Bytes.of))
    }

    /// Whether any pattern occurs in `text`.
    func occurs(in text: [UInt8]) -> Bool {
        for index in text.indices {
            let candidates = buckets[Int(text[index])]
            if candidates.isEmpty { continue }
            for pattern in candidates where text.has(pattern, at: index) { return true }
        }
        return false
    }
}
