/// The forms of one input the detectors look at: the text lowercased (ASCII), and, when it
/// contains `%`, `&` or `\`, the same after repeated decoding of percent-encoding (including
/// `%uXXXX` and overlong UTF-8 forms of `.`, `/`, `\`), HTML character references and `\xHH` /
/// `\uHHHH` escapes — attackers' usual ways of hiding a payload from a filter.
struct DetectorText {
    /// The lowercased text as given.
    let raw: [UInt8]
    /// The lowercased, decoded text, when decoding changed anything.
    let decoded: [UInt8]?

    init(_ text: String) {
        raw = text.utf8.map(Self.lower)
        guard raw.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\\") })
        else {
            decoded = nil
            return
        }
        var current = raw
        for _ in 0..<3 {
            let next = Self.decodeOnce(current)
            if next == current { break }
            current = next
        }
        decoded = current == raw ? nil : current
    }

    /// The forms to scan.
    var variants: [[UInt8]] {
        if let decoded { return [raw, decoded] }
        return [raw]
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func decodeOnce(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), let (decodedBytes, length) = percent(input, index) {
                output += decodedBytes
                index += length
            } else if byte == UInt8(ascii: "&"), let (decodedBytes, length) = entity(input, index) {
                output += decodedBytes
                index += length
            } else if byte == UInt8(ascii: "\\"), let (decodedBytes, length) = backslash(input, index) {
                output += decodedBytes
                index += length
            } else {
                output.append(byte)
                index += 1
            }
        }
        return fixOverlong(output)
    }

    static func hex(_ input: [UInt8], _ start: Int, _ count: Int) -> UInt32? {
        guard start + count <= input.count else { return nil }
        var value: UInt32 = 0
        for index in start..<(start + count) {
            guard let digit = IPAddress.hexValue(input[index]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func scalarBytes(_ value: UInt32) -> [UInt8] {
        // Fullwidth and other look-alike forms of `.`, `/`, `\`, `<`, `>` fold to ASCII.
        switch value {
        case 0xFF0E, 0x2024: return [UInt8(ascii: ".")]
        case 0x2215, 0x2044, 0xFF0F: return [UInt8(ascii: "/")]
        case 0x2216, 0xFF3C: return [UInt8(ascii: "\\")]
        case 0xFF1C: return [UInt8(ascii: "<")]
        case 0xFF1E: return [UInt8(ascii: ">")]
        default: break
        }
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return Array(String(scalar).utf8).map(lower)
    }

    static func percent(_ input: [UInt8], _ index: Int) -> ([UInt8], Int)? {
        if index + 1 < input.count, input[index + 1] == UInt8(ascii: "u"), let value = hex(input, index + 2, 4) {
            return (scalarBytes(value), 6)
        }
        guard let value = hex(input, index + 1, 2) else { return nil }
        return ([lower(UInt8(value))], 3)
    }

    static func backslash(_ input: [UInt8], _ index: Int) -> ([UInt8], Int)? {
        guard index + 1 < input.count else { return nil }
        switch input[index + 1] {
        case UInt8(ascii: "x"):
            guard let value = hex(input, index + 2, 2) else { return nil }
            return ([lower(UInt8(value))], 4)
        case UInt8(ascii: "u"):
            if let value = hex(input, index + 2, 4) { return (scalarBytes(value), 6) }
            return nil
        default:
            return nil
        }
    }

    private static let namedEntities: [String: UInt8] = [
        "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "amp": 0x26, "colon": 0x3A, "sol": 0x2F,
        "bsol": 0x5C, "lpar": 0x28, "rpar": 0x29, "tab": 0x09, "newline": 0x0A, "period": 0x2E,
        "semi": 0x3B, "equals": 0x3D, "num": 0x23, "excl": 0x21, "grave": 0x60, "lowbar": 0x5F,
    ]

    static func entity(_ input: [UInt8], _ index: Int) -> ([UInt8], Int)? {
        var cursor = index + 1
        guard cursor < input.count else { return nil }
        if input[cursor] == UInt8(ascii: "#") {
            cursor += 1
            var value: UInt32 = 0
            var digits = 0
            let isHex = cursor < input.count && input[cursor] == UInt8(ascii: "x")
            if isHex { cursor += 1 }
            while cursor < input.count, digits < 8 {
                let byte = input[cursor]
                if isHex, let digit = IPAddress.hexValue(byte) {
                    value = value << 4 | UInt32(digit)
                } else if !isHex, byte >= 0x30, byte <= 0x39 {
                    value = value * 10 + UInt32(byte - 0x30)
                } else {
                    break
                }
                digits += 1
                cursor += 1
            }
            guard digits > 0 else { return nil }
            if cursor < input.count, input[cursor] == UInt8(ascii: ";") { cursor += 1 }
            return (scalarBytes(value), cursor - index)
        }
        var name: [UInt8] = []
        while cursor < input.count, name.count < 8, input[cursor] >= 0x61, input[cursor] <= 0x7A {
            name.append(input[cursor])
            cursor += 1
        }
        guard cursor < input.count, input[cursor] == UInt8(ascii: ";"),
            let value = namedEntities[String(decoding: name, as: UTF8.self)]
        else { return nil }
        return ([value], cursor + 1 - index)
    }

    /// Overlong UTF-8 encodings (`C0 AE` for `.`, `C0 AF` for `/`, `C1 9C` for `\`, and the
    /// three-byte forms) that old decoders accepted.
    static func fixOverlong(_ input: [UInt8]) -> [UInt8] {
        guard input.contains(where: { $0 == 0xC0 || $0 == 0xC1 || $0 == 0xE0 }) else { return input }
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            if index + 1 < input.count, input[index] == 0xC0 || input[index] == 0xC1 {
                let value = (UInt32(input[index] & 0x1F) << 6) | UInt32(input[index + 1] & 0x3F)
                output.append(UInt8(value & 0x7F))
                index += 2
            } else if index + 2 < input.count, input[index] == 0xE0, input[index + 1] & 0xE0 == 0x80 {
                let value = (UInt32(input[index + 1] & 0x3F) << 6) | UInt32(input[index + 2] & 0x3F)
                output.append(UInt8(value & 0x7F))
                index += 3
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return output
    }
}

/// Byte-level helpers shared by the detectors.
extension Array where Element == UInt8 {
    /// Whether `needle` occurs at `index`.
    @inline(__always)
    func has(_ needle: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + needle.count <= count else { return false }
        for offset in 0..<needle.count where self[index + offset] != needle[offset] { return false }
        return true
    }

    /// Every index at which `needle` starts.
    func occurrences(of needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= count else { return [] }
        var result: [Int] = []
        let first = needle[0]
        for index in 0...(count - needle.count) where self[index] == first && has(needle, at: index) {
            result.append(index)
        }
        return result
    }

    /// Whether `needle` occurs anywhere.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        for index in 0...(count - needle.count) where self[index] == first && has(needle, at: index) { return true }
        return false
    }
}

/// Character classes on bytes.
enum Bytes {
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")
    }
    static func of(_ text: String) -> [UInt8] { Array(text.utf8) }
}
