/// A token of SQL, as far as the injection detector cares.
enum SQLToken: Equatable {
    case string(terminated: Bool)
    case number
    case word([UInt8])
    case op([UInt8])
    case comment
    case semicolon
    case openParen
    case closeParen
    case comma
    case other

    func isWord(_ text: String) -> Bool {
        if case .word(let bytes) = self { return bytes.elementsEqual(text.utf8) }
        return false
    }

    func isOp(_ text: String) -> Bool {
        if case .op(let bytes) = self { return bytes.elementsEqual(text.utf8) }
        return false
    }

    var wordText: String? {
        if case .word(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
}

/// Splits lowercased text into SQL tokens. With `quote`, the text is taken to start inside a
/// string literal opened by that quote (as when an application pastes it between quotes), so
/// the first token is that string. Closed `/* */` comments count as whitespace (`/*!` MySQL
/// executable comments are unwrapped); `--`, `#` and an unclosed `/*` become a comment token.
struct SQLTokenizer {
    static let maximumTokens = 4096

    static func tokenize(_ text: [UInt8], insideQuote quote: UInt8? = nil) -> [SQLToken] {
        var tokens: [SQLToken] = []
        var index = 0
        if let quote {
            let (end, terminated) = scanString(text, from: 0, quote: quote)
            tokens.append(.string(terminated: terminated))
            index = end
        }
        while index < text.count, tokens.count < maximumTokens {
            let byte = text[index]
            if Bytes.isSpace(byte) {
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "/") where text.has(slashStar, at: index):
                if text.has(mysqlComment, at: index) {
                    index += 3
                    while index < text.count, Bytes.isDigit(text[index]) { index += 1 }
                } else if let close = closeComment(text, from: index + 2) {
                    index = close
                } else {
                    tokens.append(.comment)
                    return tokens
                }
            case UInt8(ascii: "*") where text.has(starSlash, at: index):
                index += 2
            case UInt8(ascii: "-") where text.has(dashDash, at: index), UInt8(ascii: "#"):
                tokens.append(.comment)
                while index < text.count, text[index] != 0x0A { index += 1 }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let (end, terminated) = scanString(text, from: index + 1, quote: byte)
                tokens.append(.string(terminated: terminated))
                index = end
            case UInt8(ascii: "`"):
                let (end, _) = scanString(text, from: index + 1, quote: byte)
                tokens.append(.word(Array(text[(index + 1)..<max(index + 1, end - 1)])))
                index = end
            case UInt8(ascii: ";"): tokens.append(.semicolon); index += 1
            case UInt8(ascii: "("): tokens.append(.openParen); index += 1
            case UInt8(ascii: ")"): tokens.append(.closeParen); index += 1
            case UInt8(ascii: ","): tokens.append(.comma); index += 1
            default:
                if Bytes.isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < text.count && Bytes.isDigit(text[index + 1])) {
                    index = scanNumber(text, from: index, into: &tokens)
                } else if isWordByte(byte) {
                    var end = index
                    while end < text.count, isWordByte(text[end]) || text[end] == UInt8(ascii: ".") { end += 1 }
                    var wordEnd = end
                    while wordEnd > index + 1, text[wordEnd - 1] == UInt8(ascii: ".") { wordEnd -= 1 }
                    tokens.append(.word(Array(text[index..<wordEnd])))
                    index = end
                } else if let length = operatorLength(text, at: index) {
                    tokens.append(.op(Array(text[index..<(index + length)])))
                    index += length
                } else {
                    tokens.append(.other)
                    index += 1
                }
            }
        }
        return tokens
    }

    private static let slashStar = Bytes.of("/*")
    private static let starSlash = Bytes.of("*/")
    private static let mysqlComment = Bytes.of("/*!")
    private static let dashDash = Bytes.of("--")

    static func isWordByte(_ byte: UInt8) -> Bool {
        Bytes.isWord(byte) || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "$") || byte >= 0x80
    }

    private static func closeComment(_ text: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < text.count {
            if text[index] == UInt8(ascii: "*"), text[index + 1] == UInt8(ascii: "/") { return index + 2 }
            index += 1
        }
        return nil
    }

    /// Scans a string body from `start` (just after the opening quote); returns the index after
    /// the closing quote and whether there was one. A backslash escapes the next byte.
    private static func scanString(_ text: [UInt8], from start: Int, quote: UInt8) -> (Int, Bool) {
        var index = start
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == quote { return (index + 1, true) }
            index += 1
        }
        return (text.count, false)
    }

    private static func scanNumber(_ text: [UInt8], from start: Int, into tokens: inout [SQLToken]) -> Int {
        var index = start
        if text.has(Bytes.of("0x"), at: index) {
            index += 2
            while index < text.count, IPAddress.hexValue(text[index]) != nil { index += 1 }
        } else {
            while index < text.count, Bytes.isDigit(text[index]) || text[index] == UInt8(ascii: ".") { index += 1 }
            if index < text.count, text[index] == UInt8(ascii: "e"), index + 1 < text.count,
                Bytes.isDigit(text[index + 1]) || text[index + 1] == UInt8(ascii: "-") || text[index + 1] == UInt8(ascii: "+")
            {
                index += 2
                while index < text.count, Bytes.isDigit(text[index]) { index += 1 }
            }
        }
        // `90s`, `1st`, `3d`: a word, not a number.
        if index < text.count, Bytes.isLetter(text[index]) || text[index] == UInt8(ascii: "_") {
            var end = index
            while end < text.count, isWordByte(text[end]) { end += 1 }
            tokens.append(.word(Array(text[start..<end])))
            return end
        }
        tokens.append(.number)
        return index
    }

    private static let longOperators: [[UInt8]] = ["<=>", "<=", ">=", "<>", "!=", "||", "&&", ":=", "==", "!<", "!>"].map(Bytes.of)

    private static func operatorLength(_ text: [UInt8], at index: Int) -> Int? {
        for candidate in longOperators where text.has(candidate, at: index) { return candidate.count }
        switch text[index] {
        case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "+"), UInt8(ascii: "-"),
            UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "^"), UInt8(ascii: "|"),
            UInt8(ascii: "&"), UInt8(ascii: "~"), UInt8(ascii: "!"):
            return 1
        default:
            return nil
        }
    }
}
