/// A regular expression for custom input patterns and output redaction, run by a Pike VM so
/// that matching time is linear in the text (times the pattern size) for every pattern —
/// `(a*)*b` against 30,000 `a`s takes milliseconds, not forever. Searches are unanchored unless
/// the pattern says `^`/`\A`; matching is over Unicode scalars; offsets are UTF-8 byte offsets.
///
/// Supported: literals, `.`, classes with ranges and negation, `\d \w \s \D \W \S`, anchors
/// `^ $ \A \z \b \B`, capturing, named (`(?<n>...)`) and non-capturing groups, alternation,
/// greedy and lazy `* + ? {m} {m,} {m,n}` (counts up to 1,000), flags `(?i) (?s) (?m)` and
/// `(?i:...)`, escapes `\n \t \r \f \v \0 \e \xHH \x{H..} \uHHHH \u{H..}`. Refused, with a
/// clear error: backreferences and lookaround (no linear-time algorithm exists for them).
public struct PolicyRegex: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// The number of capturing groups, not counting the whole match.
    public let captureGroupCount: Int
    /// Whether the pattern can match the empty string (somewhere); such patterns are refused
    /// for redaction.
    public let canMatchEmpty: Bool
    let program: RegexProgram
    /// UTF-8 bytes every match starts with (empty when the pattern starts otherwise): searches
    /// skip straight to its occurrences, and a text without it cannot match.
    let literalPrefix: [UInt8]

    /// Compiles a pattern, or throws naming the problem and its position.
    public init(_ pattern: String) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern: pattern)
        let node = try parser.parse()
        self.pattern = pattern
        self.captureGroupCount = parser.captureCount
        self.canMatchEmpty = node.canMatchEmpty
        self.program = try RegexCompiler.compile(node, groupCount: parser.captureCount, pattern: pattern)
        var prefix = String.UnicodeScalarView()
        for value in node.leadingLiteral.scalars { prefix.append(Unicode.Scalar(value)!) }
        self.literalPrefix = Array(String(prefix).utf8)
    }

    /// Whether the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        Self.withBytes(text) { bytes in
            guard let start = nextCandidate(bytes, from: 0) else { return false }
            var vm = PikeVM(program: program, slotCount: 0)
            return vm.search(bytes, from: start, earliest: true) != nil
        }
    }

    /// The leftmost-first match in `text`, with its groups.
    public func firstMatch(in text: String) -> RegexMatch? {
        Self.withBytes(text) { bytes in
            guard let start = nextCandidate(bytes, from: 0) else { return nil }
            var vm = PikeVM(program: program, slotCount: program.groupCount * 2)
            return vm.search(bytes, from: start, earliest: false).map(RegexMatch.init(slots:))
        }
    }

    /// The first offset at or after `start` where a match could begin, or nil when none can.
    func nextCandidate(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = literalPrefix.first else { return start <= bytes.count ? start : nil }
        var index = start
        let last = bytes.count - literalPrefix.count
        while index <= last {
            if bytes[index] == first {
                var offset = 1
                while offset < literalPrefix.count, bytes[index + offset] == literalPrefix[offset] { offset += 1 }
                if offset == literalPrefix.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// Every non-overlapping match, left to right. After an empty match the search resumes one
    /// scalar later. Worst case O(text² × pattern) for patterns whose failed attempts run far
    /// ahead; O(text × pattern) for typical ones.
    public func allMatches(in text: String) -> [RegexMatch] {
        Self.withBytes(text) { bytes in
            var vm = PikeVM(program: program, slotCount: program.groupCount * 2)
            var result: [RegexMatch] = []
            var position = 0
            while position <= bytes.count, let candidate = nextCandidate(bytes, from: position),
                let slots = vm.search(bytes, from: candidate, earliest: false)
            {
                let match = RegexMatch(slots: slots)
                result.append(match)
                if match.range.isEmpty {
                    guard match.range.upperBound < bytes.count else { break }
                    position = match.range.upperBound + PikeVM.decode(bytes, at: match.range.upperBound).1
                } else {
                    position = match.range.upperBound
                }
            }
            return result
        }
    }

    /// `text` with every match replaced by `template`, in which `$0`…`$9` and `${n}` stand for
    /// groups (a group that did not take part is empty) and `$$` for a dollar sign.
    public func replacingMatches(in text: String, with template: String) -> String {
        let matches = allMatches(in: text)
        guard !matches.isEmpty else { return text }
        let bytes = Array(text.utf8)
        let pieces = TemplatePiece.parse(template)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for match in matches {
            output += bytes[copied..<match.range.lowerBound]
            for piece in pieces {
                switch piece {
                case .literal(let literal): output += literal
                case .group(let group):
                    if group < match.ranges.count, let range = match.ranges[group] { output += bytes[range] }
                }
            }
            copied = match.range.upperBound
        }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// Equal when the patterns are equal.
    public static func == (lhs: PolicyRegex, rhs: PolicyRegex) -> Bool { lhs.pattern == rhs.pattern }

    /// Hashes the pattern.
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }
}

/// One match of a `PolicyRegex`: UTF-8 byte ranges of the whole match and of each group.
public struct RegexMatch: Sendable, Hashable {
    /// Group ranges, index 0 being the whole match; nil for a group that did not take part.
    public let ranges: [Range<Int>?]

    init(slots: [Int]) {
        ranges = stride(from: 0, to: slots.count, by: 2).map { index in
            slots[index] >= 0 && slots[index + 1] >= 0 ? slots[index]..<slots[index + 1] : nil
        }
    }

    /// The byte range of the whole match.
    public var range: Range<Int> { ranges[0]! }

    /// The text of group `group` (0 for the whole match) within `text`, the string searched.
    public func text(_ group: Int = 0, in text: String) -> Substring? {
        guard group < ranges.count, let range = ranges[group] else { return nil }
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let upper = utf8.index(lower, offsetBy: range.count)
        return text[lower..<upper]
    }
}

/// A replacement template split into literal bytes and group references.
enum TemplatePiece: Equatable {
    case literal([UInt8])
    case group(Int)

    static func parse(_ template: String) -> [TemplatePiece] {
        let bytes = Array(template.utf8)
        var pieces: [TemplatePiece] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "$"), index + 1 < bytes.count else {
                literal.append(byte)
                index += 1
                continue
            }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "$") {
                literal.append(byte)
                index += 2
            } else if next >= 0x30, next <= 0x39 {
                flush()
                pieces.append(.group(Int(next - 0x30)))
                index += 2
            } else if next == UInt8(ascii: "{"), let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")),
                close > index + 2, close - index <= 5,
                let group = Int(String(decoding: bytes[(index + 2)..<close], as: UTF8.self))
            {
                flush()
                pieces.append(.group(group))
                index = close + 1
            } else {
                literal.append(byte)
                index += 1
            }
        }
        flush()
        return pieces
    }
}
