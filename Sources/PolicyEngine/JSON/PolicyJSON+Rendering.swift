extension PolicyJSON {
    /// The canonical rendering: UTF-8, no insignificant whitespace, object keys sorted by their
    /// UTF-8 bytes (Unicode code point order), strings escaped minimally (`"`, `\`, and control
    /// characters only), whole numbers of magnitude below 2^53 written as integers and other numbers
    /// in Swift's shortest round-tripping form; non-finite numbers become `null`. Equal values
    /// render to equal bytes.
    public func canonicalBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        render(into: &output)
        return output
    }

    /// The canonical rendering as a string.
    public var canonicalString: String {
        String(decoding: canonicalBytes(), as: UTF8.self)
    }

    /// Appends the canonical rendering to `output`.
    public func render(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            output.append(contentsOf: Self.renderNumber(value).utf8)
        case .string(let value):
            Self.renderString(value, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.render(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.renderString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                members[key]!.render(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// The number of bytes of the canonical rendering, computed without rendering, stopping early
    /// (with a result above `limit`) once `limit` is exceeded.
    public func canonicalByteCount(limit: Int = .max) -> Int {
        var total = 0
        countBytes(into: &total, limit: limit)
        return total
    }

    private func countBytes(into total: inout Int, limit: Int) {
        guard total <= limit else { return }
        switch self {
        case .null: total += 4
        case .bool(let value): total += value ? 4 : 5
        case .number(let value): total += Self.renderNumber(value).utf8.count
        case .string(let value): total += Self.renderedStringCount(value)
        case .array(let elements):
            total += 2 + max(0, elements.count - 1)
            for element in elements {
                element.countBytes(into: &total, limit: limit)
                if total > limit { return }
            }
        case .object(let members):
            total += 2 + max(0, members.count - 1)
            for (key, value) in members {
                total += Self.renderedStringCount(key) + 1
                value.countBytes(into: &total, limit: limit)
                if total > limit { return }
            }
        }
    }

    static func renderNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return String(value)
    }

    static func renderedStringCount(_ value: String) -> Int {
        var count = 2
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: count += 2
            case 0..<0x20: count += 6
            default: count += 1
            }
        }
        return count
    }

    static func renderString(_ value: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            // Copy runs that need no escaping in one go; most strings are a single run.
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            let hex: StaticString = "0123456789abcdef"
            output.append(contentsOf: "u00".utf8)
            output.append(hex.utf8Start[Int(byte >> 4)])
            output.append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
