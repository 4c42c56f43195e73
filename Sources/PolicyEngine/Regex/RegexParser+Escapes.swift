extension RegexParser {
    /// Parses an escape outside a class; the backslash at `start` is already consumed.
    mutating func parseEscape(flags: Flags, start: Int) throws(RegexSyntaxError) -> RegexNode {
        guard let scalar = current else { throw error(.trailingEscape, at: start) }
        position += 1
        switch scalar {
        case "b": return .assertion(.wordBoundary)
        case "B": return .assertion(.notWordBoundary)
        case "A": return .assertion(.startOfText)
        case "z": return .assertion(.endOfText)
        case "1"..."9", "k": throw error(.backreference, at: start)
        default:
            if let set = classEscape(scalar) { return .set(flags.caseInsensitive ? set.caseFolded : set) }
            return literal(try escapedScalar(scalar, start: start), flags: flags)
        }
    }

    /// `\d \D \w \W \s \S` as sets.
    func classEscape(_ scalar: Unicode.Scalar) -> ScalarSet? {
        switch scalar {
        case "d": .digits
        case "D": ScalarSet.digits.inverted
        case "w": .word
        case "W": ScalarSet.word.inverted
        case "s": .space
        case "S": ScalarSet.space.inverted
        default: nil
        }
    }

    /// The literal scalar an escape stands for: control escapes, `\xHH`, `\x{H...}`, `\uHHHH`,
    /// `\u{H...}`, or an escaped punctuation character.
    mutating func escapedScalar(_ scalar: Unicode.Scalar, start: Int) throws(RegexSyntaxError) -> UInt32 {
        switch scalar {
        case "n": return 0x0A
        case "t": return 0x09
        case "r": return 0x0D
        case "f": return 0x0C
        case "v": return 0x0B
        case "0": return 0x00
        case "e": return 0x1B
        case "x", "u":
            var digits = scalar == "x" ? 2 : 4
            var braced = false
            if current == "{" {
                braced = true
                digits = 6
                position += 1
            }
            var value: UInt32 = 0
            var count = 0
            while count < digits, let next = current, next.isASCII, let digit = IPAddress.hexValue(UInt8(next.value)) {
                value = value << 4 | UInt32(digit)
                count += 1
                position += 1
            }
            if braced {
                guard count > 0, current == "}" else { throw error(.unknownEscape, at: start) }
                position += 1
            } else if count != digits {
                throw error(.unknownEscape, at: start)
            }
            guard Unicode.Scalar(value) != nil else { throw error(.unknownEscape, at: start) }
            return value
        default:
            // Escaped punctuation is literal; escaped letters and digits are reserved.
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                throw error(.unknownEscape, at: start)
            }
            return scalar.value
        }
    }

    /// Parses a bracketed class starting at `[`.
    mutating func parseClass(flags: Flags) throws(RegexSyntaxError) -> ScalarSet {
        let start = position
        position += 1
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard let scalar = current else { throw error(.unterminatedClass, at: start) }
            if scalar == "]", !first { position += 1; break }
            first = false
            let itemStart = position
            guard let low = try classItem(into: &ranges) else { continue }
            // A range `a-z`, unless the `-` is the last thing before `]`.
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                guard let high = try classItem(into: &ranges) else { throw error(.reversedRange, at: itemStart) }
                guard high >= low else { throw error(.reversedRange, at: itemStart) }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        var set = ScalarSet(ranges)
        if flags.caseInsensitive { set = set.caseFolded }
        return negated ? set.inverted : set
    }

    /// One class member: returns its scalar, or nil after adding a class escape like `\d` to `ranges`.
    mutating func classItem(into ranges: inout [ClosedRange<UInt32>]) throws(RegexSyntaxError) -> UInt32? {
        let start = position
        let scalar = scalars[position]
        position += 1
        guard scalar == "\\" else { return scalar.value }
        guard let escaped = current else { throw error(.trailingEscape, at: start) }
        position += 1
        if let set = classEscape(escaped) {
            ranges += set.ranges
            return nil
        }
        if escaped == "b" { return 0x08 }
        return try escapedScalar(escaped, start: start)
    }
}
