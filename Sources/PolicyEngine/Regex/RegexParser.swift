/// A recursive-descent parser for the supported syntax: literals, `.`, classes (`[a-z]`,
/// `[^...]`, `\d \w \s` and their negations), anchors `^ $ \A \z \b \B`, groups (`(...)`,
/// `(?:...)`, `(?<name>...)`), alternation, and quantifiers `* + ? {m} {m,} {m,n}` with lazy forms;
/// flags `(?i)`, `(?s)`, `(?m)` and scoped `(?i:...)`. Backreferences and lookaround are refused.
struct RegexParser {
    static let maximumRepetition = 1000
    /// The longest pattern accepted, in Unicode scalars.
    static let maximumLength = 4096
    /// The deepest nesting of groups accepted (the parser recurses once per level).
    static let maximumNesting = 100

    struct Flags {
        var caseInsensitive = false
        var dotMatchesNewline = false
        var multiline = false
    }

    let pattern: String
    let scalars: [Unicode.Scalar]
    var position = 0
    var captureCount = 0
    var nesting = 0

    init(pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    func error(_ kind: RegexSyntaxError.Kind, at position: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(kind, pattern: pattern, position: position ?? self.position)
    }

    var atEnd: Bool { position >= scalars.count }
    var current: Unicode.Scalar? { atEnd ? nil : scalars[position] }

    /// Parses the whole pattern.
    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        guard scalars.count <= Self.maximumLength else { throw error(.patternTooLong, at: Self.maximumLength) }
        var flags = Flags()
        let node = try parseAlternation(flags: &flags)
        if !atEnd { throw error(.unmatchedParenthesis) }
        return node
    }

    mutating func parseAlternation(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcatenation(flags: &flags)]
        while current == "|" {
            position += 1
            branches.append(try parseConcatenation(flags: &flags))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseConcatenation(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            let start = position
            guard let atom = try parseAtom(flags: &flags) else { continue }
            items.append(try parseQuantifiers(atom, start: start))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    mutating func parseQuantifiers(_ atom: RegexNode, start: Int) throws(RegexSyntaxError) -> RegexNode {
        guard let bounds = try parseQuantifier() else { return atom }
        if case .assertion = atom { throw error(.nothingToRepeat, at: start) }
        var greedy = true
        if current == "?" {
            greedy = false
            position += 1
        }
        if let scalar = current, "*+?".unicodeScalars.contains(scalar) || (scalar == "{" && isRepetitionBrace()) {
            throw error(.nothingToRepeat)
        }
        return .repetition(atom, min: bounds.min, max: bounds.max, greedy: greedy)
    }

    /// Reads `*`, `+`, `?` or a brace repetition at the current position, if there is one.
    mutating func parseQuantifier() throws(RegexSyntaxError) -> (min: Int, max: Int?)? {
        switch current {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{":
            guard isRepetitionBrace() else { return nil }
            let start = position
            position += 1
            let low = readNumber()!
            var high: Int? = low
            if current == "," {
                position += 1
                high = readNumber()
            }
            position += 1  // the closing brace
            guard low <= Self.maximumRepetition, (high ?? 0) <= Self.maximumRepetition else {
                throw error(.repetitionTooLarge, at: start)
            }
            if let high, high < low { throw error(.invalidRepetition, at: start) }
            return (low, high)
        default:
            return nil
        }
    }

    /// Whether a `{` here starts `{m}`, `{m,}` or `{m,n}`; otherwise it is a literal brace.
    func isRepetitionBrace() -> Bool {
        var index = position + 1
        var digits = 0
        while index < scalars.count, scalars[index].properties.numericType == .decimal, scalars[index].isASCII {
            digits += 1
            index += 1
        }
        guard digits > 0, index < scalars.count else { return false }
        if scalars[index] == "}" { return true }
        guard scalars[index] == "," else { return false }
        index += 1
        while index < scalars.count, scalars[index].isASCII, scalars[index].properties.numericType == .decimal {
            index += 1
        }
        return index < scalars.count && scalars[index] == "}"
    }

    mutating func readNumber() -> Int? {
        var value: Int?
        while let scalar = current, scalar.isASCII, let digit = Int(String(scalar)) {
            value = min((value ?? 0) * 10 + digit, 1_000_000)
            position += 1
        }
        return value
    }

    /// One atom, or nil for a flag group like `(?i)` that only changes flags.
    mutating func parseAtom(flags: inout Flags) throws(RegexSyntaxError) -> RegexNode? {
        let start = position
        let scalar = scalars[position]
        if scalar == "{", isRepetitionBrace() { throw error(.nothingToRepeat, at: start) }
        position += 1
        switch scalar {
        case "(":
            return try parseGroup(flags: &flags, start: start)
        case "[":
            position = start
            return .set(try parseClass(flags: flags))
        case ".":
            return .set(flags.dotMatchesNewline ? .all : .notNewline)
        case "^":
            return .assertion(flags.multiline ? .startOfLine : .startOfText)
        case "$":
            return .assertion(flags.multiline ? .endOfLine : .endOfText)
        case "*", "+", "?":
            throw error(.nothingToRepeat, at: start)
        case "\\":
            return try parseEscape(flags: flags, start: start)
        default:
            return literal(scalar.value, flags: flags)
        }
    }

    func literal(_ value: UInt32, flags: Flags) -> RegexNode {
        guard flags.caseInsensitive else { return .scalar(value) }
        let folded = ScalarSet([value...value]).caseFolded
        return folded.ranges == [value...value] ? .scalar(value) : .set(folded)
    }

    mutating func parseGroup(flags: inout Flags, start: Int) throws(RegexSyntaxError) -> RegexNode? {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw error(.nestingTooDeep, at: start) }
        var capture: Int?
        var inner = flags
        if current == "?" {
            position += 1
            switch current {
            case ":":
                position += 1
            case "=", "!":
                throw error(.lookaround, at: start)
            case "<" where position + 1 < scalars.count && (scalars[position + 1] == "=" || scalars[position + 1] == "!"):
                throw error(.lookaround, at: start)
            case "<", "P":
                if current == "P" { position += 1 }
                guard current == "<" else { throw error(.unknownGroup, at: start) }
                position += 1
                let nameStart = position
                while let scalar = current, scalar == "_" || scalar.properties.isAlphabetic
                    || (scalar.isASCII && scalar.properties.numericType == .decimal)
                {
                    position += 1
                }
                guard position > nameStart, current == ">" else { throw error(.unknownGroup, at: start) }
                position += 1
                captureCount += 1
                capture = captureCount
            default:
                var enable = true
                var updated = flags
                while let scalar = current, scalar != ")", scalar != ":" {
                    switch scalar {
                    case "i": updated.caseInsensitive = enable
                    case "s": updated.dotMatchesNewline = enable
                    case "m": updated.multiline = enable
                    case "-" where enable: enable = false
                    default: throw error(.unknownGroup, at: start)
                    }
                    position += 1
                }
                guard let terminator = current else { throw error(.missingParenthesis, at: start) }
                position += 1
                if terminator == ")" {
                    flags = updated  // `(?i)` applies to the rest of the enclosing group
                    return nil
                }
                inner = updated
            }
        } else {
            captureCount += 1
            capture = captureCount
        }
        let body = try parseAlternation(flags: &inner)
        guard current == ")" else { throw error(.missingParenthesis, at: start) }
        position += 1
        return .group(body, capture: capture)
    }
}
