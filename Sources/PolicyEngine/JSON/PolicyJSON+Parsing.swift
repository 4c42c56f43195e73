extension PolicyJSON {
    /// The deepest nesting the parser accepts before giving up, to keep the stack bounded.
    public static let maximumParseDepth = 512

    /// Parses one JSON value (RFC 8259) from UTF-8 bytes, allowing surrounding whitespace.
    /// Numbers become `Double`; a repeated object key keeps its last value.
    public init(parsing bytes: some Collection<UInt8>) throws(PolicyJSONError) {
        let array = Array(bytes)
        var parser = JSONParser(bytes: array)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position != array.count { throw .trailingData(at: parser.position) }
        self = value
    }

    /// Parses one JSON value from a string.
    public init(parsing text: String) throws(PolicyJSONError) {
        try self.init(parsing: Array(text.utf8))
    }
}

/// A recursive-descent parser over a byte array.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(PolicyJSONError) -> PolicyJSON {
        guard position < bytes.count else { throw .unexpectedEnd(at: position) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw .unexpectedByte(at: position)
        }
    }

    mutating func expectWord(_ word: StaticString) throws(PolicyJSONError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw .unexpectedEnd(at: position) }
        let matches = word.withUTF8Buffer { buffer in
            buffer.indices.allSatisfy { bytes[position + $0] == buffer[$0] }
        }
        guard matches else { throw .unexpectedByte(at: position) }
        position += count
    }

    mutating func parseObject(depth: Int) throws(PolicyJSONError) -> PolicyJSON {
        guard depth <= PolicyJSON.maximumParseDepth else { throw .tooDeep(at: position) }
        position += 1
        var members: [String: PolicyJSON] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw .unexpectedEnd(at: position) }
            guard bytes[position] == UInt8(ascii: "\"") else { throw .unexpectedByte(at: position) }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count else { throw .unexpectedEnd(at: position) }
            guard bytes[position] == UInt8(ascii: ":") else { throw .unexpectedByte(at: position) }
            position += 1
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            guard position < bytes.count else { throw .unexpectedEnd(at: position) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw .unexpectedByte(at: position)
            }
        }
    }

    mutating func parseArray(depth: Int) throws(PolicyJSONError) -> PolicyJSON {
        guard depth <= PolicyJSON.maximumParseDepth else { throw .tooDeep(at: position) }
        position += 1
        var elements: [PolicyJSON] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw .unexpectedEnd(at: position) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw .unexpectedByte(at: position)
            }
        }
    }

    mutating func parseNumber() throws(PolicyJSONError) -> Double {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw .invalidNumber(at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw .invalidNumber(at: start) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw .invalidNumber(at: start) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw .invalidNumber(at: start) }
        return value
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    mutating func parseString() throws(PolicyJSONError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = bytes[start..<position]
                position += 1
                // Invalid UTF-8 is repaired with U+FFFD rather than rejected, as Foundation does.
                return String(decoding: slice, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += 1
        }
        var output = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &output)
            case 0..<0x20:
                throw .unexpectedByte(at: position)
            default:
                output.append(byte)
                position += 1
            }
        }
        throw .unexpectedEnd(at: position)
    }

    mutating func parseEscape(into output: inout [UInt8]) throws(PolicyJSONError) {
        let escapeStart = position
        position += 1
        guard position < bytes.count else { throw .unexpectedEnd(at: position) }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw .invalidEscape(at: escapeStart) }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw .invalidEscape(at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw .invalidEscape(at: escapeStart)
            }
            guard let value = Unicode.Scalar(scalar) else { throw .invalidEscape(at: escapeStart) }
            output.append(contentsOf: UTF8.encode(value)!)
        default:
            throw .invalidEscape(at: escapeStart)
        }
    }

    mutating func parseHex4() throws(PolicyJSONError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw .unexpectedEnd(at: position) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw .invalidEscape(at: position)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
