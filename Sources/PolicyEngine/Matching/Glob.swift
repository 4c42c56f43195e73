/// A precompiled shell-style pattern for tool names and subjects: `*` matches any run of
/// characters (including none), `?` exactly one, `[abc]`, `[a-z]` and `[!a-z]` (or `[^a-z]`) one
/// from or not from a set, and `\` makes the next character literal. Matching is case-sensitive,
/// over Unicode scalars, and anchored at both ends. Common shapes (exact, `prefix*`, `*suffix`,
/// `*`) take fast paths.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    enum Piece: Sendable, Hashable {
        case scalar(Unicode.Scalar)
        case anyOne
        case anyRun
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
    }

    enum Shape: Sendable, Hashable {
        case exact(String)
        case prefix(String)
        case suffix(String)
        case everything
        case general
    }

    /// The pattern as written.
    public let pattern: String
    let pieces: [Piece]
    let shape: Shape

    /// Compiles a pattern, or throws with the position of the first problem.
    public init(_ pattern: String) throws(GlobSyntaxError) {
        self.pattern = pattern
        var pieces: [Piece] = []
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "*":
                if pieces.last != .anyRun { pieces.append(.anyRun) }
                index += 1
            case "?":
                pieces.append(.anyOne)
                index += 1
            case "\\":
                guard index + 1 < scalars.count else { throw .init(.trailingEscape, pattern: pattern, position: index) }
                pieces.append(.scalar(scalars[index + 1]))
                index += 2
            case "[":
                let (piece, next) = try Self.parseSet(scalars, from: index, pattern: pattern)
                pieces.append(piece)
                index = next
            default:
                pieces.append(.scalar(scalar))
                index += 1
            }
        }
        self.pieces = pieces
        self.shape = Self.shape(of: pieces)
    }

    private static func parseSet(_ scalars: [Unicode.Scalar], from start: Int, pattern: String)
        throws(GlobSyntaxError) -> (Piece, Int)
    {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while index < scalars.count {
            var scalar = scalars[index]
            if scalar == "]", !first { return (.set(ranges: ranges, negated: negated), index + 1) }
            first = false
            if scalar == "\\" {
                guard index + 1 < scalars.count else { break }
                index += 1
                scalar = scalars[index]
            }
            index += 1
            var upper = scalar
            if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                upper = scalars[index + 1]
                if upper == "\\", index + 2 < scalars.count {
                    upper = scalars[index + 2]
                    index += 1
                }
                guard upper.value >= scalar.value else {
                    throw .init(.reversedRange, pattern: pattern, position: index - 1)
                }
                index += 2
            }
            ranges.append(scalar.value...upper.value)
        }
        throw .init(.unterminatedSet, pattern: pattern, position: start)
    }

    private static func shape(of pieces: [Piece]) -> Shape {
        func literal(_ slice: ArraySlice<Piece>) -> String? {
            var text = String.UnicodeScalarView()
            for piece in slice {
                guard case .scalar(let scalar) = piece else { return nil }
                text.append(scalar)
            }
            return String(text)
        }
        if pieces == [.anyRun] { return .everything }
        if let text = literal(pieces[...]) { return .exact(text) }
        if pieces.last == .anyRun, let text = literal(pieces.dropLast()) { return .prefix(text) }
        if pieces.first == .anyRun, let text = literal(pieces.dropFirst()) { return .suffix(text) }
        return .general
    }

    /// The literal text every match starts with (empty when the pattern starts with a wildcard).
    var literalPrefix: String {
        var text = String.UnicodeScalarView()
        for piece in pieces {
            guard case .scalar(let scalar) = piece else { break }
            text.append(scalar)
        }
        return String(text)
    }

    /// Whether the whole of `text` matches the pattern.
    public func matches(_ text: String) -> Bool {
        switch shape {
        case .exact(let literal): return text == literal
        case .prefix(let literal): return text.utf8.starts(with: literal.utf8)
        case .suffix(let literal): return text.utf8.reversed().starts(with: literal.utf8.reversed())
        case .everything: return true
        case .general: return matchGeneral(text.unicodeScalars)
        }
    }

    /// Iterative matching with one backtrack point for the latest `*`: O(pattern × text) at worst.
    private func matchGeneral(_ text: String.UnicodeScalarView) -> Bool {
        var textIndex = text.startIndex
        var pieceIndex = 0
        var starPiece = -1
        var starText = text.startIndex
        while textIndex < text.endIndex {
            if pieceIndex < pieces.count {
                let scalar = text[textIndex]
                switch pieces[pieceIndex] {
                case .anyRun:
                    starPiece = pieceIndex
                    starText = textIndex
                    pieceIndex += 1
                    continue
                case .anyOne:
                    pieceIndex += 1
                    textIndex = text.index(after: textIndex)
                    continue
                case .scalar(let expected) where expected == scalar:
                    pieceIndex += 1
                    textIndex = text.index(after: textIndex)
                    continue
                case .set(let ranges, let negated) where ranges.contains(where: { $0.contains(scalar.value) }) != negated:
                    pieceIndex += 1
                    textIndex = text.index(after: textIndex)
                    continue
                default:
                    break
                }
            }
            guard starPiece >= 0 else { return false }
            pieceIndex = starPiece + 1
            starText = text.index(after: starText)
            textIndex = starText
        }
        while pieceIndex < pieces.count, pieces[pieceIndex] == .anyRun { pieceIndex += 1 }
        return pieceIndex == pieces.count
    }

    /// The pattern as written.
    public var description: String { pattern }
}

/// Why a glob pattern does not compile.
public struct GlobSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case trailingEscape
        case unterminatedSet
        case reversedRange
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
        case .trailingEscape: "pattern ends with an escape"
        case .unterminatedSet: "unterminated character class"
        case .reversedRange: "character range out of order"
        }
    }

    /// The label and the position.
    public var description: String { "\(shortDescription) at position \(position)" }
}
