/// Why a pattern is not accepted by the linear-time regex engine, and where.
public struct RegexSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case missingParenthesis
        case unmatchedParenthesis
        case nothingToRepeat
        case invalidRepetition
        case repetitionTooLarge
        case unterminatedClass
        case reversedRange
        case trailingEscape
        case unknownEscape
        case backreference
        case lookaround
        case unknownGroup
        case patternTooLarge
        case patternTooLong
        case nestingTooDeep
    }

    let kind: Kind
    /// The pattern that failed.
    public let pattern: String
    /// The offset, in Unicode scalars, of the problem.
    public let position: Int

    init(_ kind: Kind, pattern: String, position: Int) {
        self.kind = kind
        self.pattern = pattern
        self.position = position
    }

    /// A short label without the position, safe as a metric label.
    public var shortDescription: String {
        switch kind {
        case .missingParenthesis: "missing closing parenthesis"
        case .unmatchedParenthesis: "unmatched closing parenthesis"
        case .nothingToRepeat: "quantifier with nothing to repeat"
        case .invalidRepetition: "repetition minimum is above its maximum"
        case .repetitionTooLarge: "repetition count above \(RegexParser.maximumRepetition)"
        case .unterminatedClass: "unterminated character class"
        case .reversedRange: "character range out of order"
        case .trailingEscape: "pattern ends with a backslash"
        case .unknownEscape: "unknown or unsupported escape"
        case .backreference: "backreferences are not supported (the engine runs in linear time)"
        case .lookaround: "lookahead and lookbehind are not supported (the engine runs in linear time)"
        case .unknownGroup: "unknown group syntax"
        case .patternTooLarge: "pattern expands to more than \(RegexCompiler.maximumInstructions) instructions"
        case .patternTooLong: "pattern longer than \(RegexParser.maximumLength) characters"
        case .nestingTooDeep: "groups nested deeper than \(RegexParser.maximumNesting)"
        }
    }

    /// The label and the position.
    public var description: String { "\(shortDescription) at position \(position)" }
}
