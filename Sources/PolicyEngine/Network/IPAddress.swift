/// An IPv4 or IPv6 address, parsed from text without the C library. IPv4-mapped IPv6 addresses
/// (`::ffff:192.0.2.1`) are taken as the IPv4 address they carry, since that is how dual-stack
/// sockets report IPv4 clients and how a policy author thinks of them.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// IPv4.
        case v4
        /// IPv6.
        case v6
    }

    /// The family of the address.
    public let family: Family
    /// The upper 64 bits of an IPv6 address; zero for IPv4.
    let high: UInt64
    /// The lower 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.
    let low: UInt64

    private init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32-bit value in host order (`0xC0000201` is 192.0.2.1).
    public init(ipv4 value: UInt32) {
        self.init(family: .v4, high: 0, low: UInt64(value))
    }

    /// An IPv6 address from its two 64-bit halves in host order; IPv4-mapped values become IPv4.
    public init(ipv6High high: UInt64, low: UInt64) {
        if high == 0, low >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: low))
        } else {
            self.init(family: .v6, high: high, low: low)
        }
    }

    /// Parses dotted-quad IPv4 (no leading zeros) or IPv6 text (RFC 4291, with `::`, an embedded
    /// IPv4 tail, and an optional `%zone` that is ignored). Nil when the text is not an address.
    public init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8)
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) { bytes.removeSubrange(percent...) }
        if bytes.contains(UInt8(ascii: ":")) {
            guard let (high, low) = Self.parseIPv6(bytes[...]) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            guard let value = Self.parseIPv4(bytes[...]) else { return nil }
            self.init(ipv4: value)
        }
    }

    /// The IPv4 value, when this is an IPv4 address.
    public var ipv4Value: UInt32? {
        family == .v4 ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// The number of bits in an address of this family.
    public var bitWidth: Int { family == .v4 ? 32 : 128 }

    /// IPv4 sorts before IPv6; within a family, numeric order.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .v4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Dotted quad for IPv4; RFC 5952 form (lowercase, longest zero run compressed) for IPv6.
    public var description: String {
        if let value = ipv4Value {
            return String(unsafeUninitializedCapacity: 15) { Self.writeIPv4(value, into: $0) }
        }
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (UInt64(3 - index % 4) * 16))
        }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    /// Writes the dotted quad of `value` at the start of `buffer` (at least 15 bytes); returns
    /// the number of bytes written.
    static func writeIPv4(_ value: UInt32, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var shift: UInt32 = 24
        while true {
            let octet = UInt8(truncatingIfNeeded: value >> shift)
            if octet >= 100 { buffer[count] = 0x30 + octet / 100; count += 1 }
            if octet >= 10 { buffer[count] = 0x30 + octet / 10 % 10; count += 1 }
            buffer[count] = 0x30 + octet % 10
            count += 1
            if shift == 0 { return count }
            buffer[count] = UInt8(ascii: ".")
            count += 1
            shift -= 8
        }
    }

    static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else if byte >= 0x30, byte <= 0x39 {
                if digits == 0 { leadingZero = byte == 0x30 } else if leadingZero { return nil }
                current = current * 10 + UInt32(byte - 0x30)
                digits += 1
                guard digits <= 3, current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | current
    }

    static func parseIPv6(_ bytes: ArraySlice<UInt8>) -> (UInt64, UInt64)? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var index = bytes.startIndex
        let end = bytes.endIndex
        if bytes.starts(with: [0x3A, 0x3A]) {
            sawDoubleColon = true
            index += 2
        } else if bytes.first == 0x3A {
            return nil
        }
        while index < end {
            // One group: hex digits, or an IPv4 tail.
            var groupEnd = index
            while groupEnd < end, bytes[groupEnd] != 0x3A { groupEnd += 1 }
            let group = bytes[index..<groupEnd]
            if group.contains(UInt8(ascii: ".")) {
                guard groupEnd == end, let value = parseIPv4(group) else { return nil }
                let pieces = [UInt16(value >> 16), UInt16(value & 0xFFFF)]
                if sawDoubleColon { tail += pieces } else { head += pieces }
                index = end
                break
            }
            guard !group.isEmpty, group.count <= 4 else { return nil }
            var value: UInt16 = 0
            for byte in group {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            if sawDoubleColon { tail.append(value) } else { head.append(value) }
            index = groupEnd
            if index < end {
                index += 1  // the colon
                if index < end, bytes[index] == 0x3A {
                    guard !sawDoubleColon else { return nil }
                    sawDoubleColon = true
                    index += 1
                } else if index == end {
                    return nil  // trailing single colon
                }
            }
        }
        let count = head.count + tail.count
        if sawDoubleColon {
            guard count <= 7 else { return nil }
        } else {
            guard count == 8 else { return nil }
        }
        let groups = head + Array(repeating: 0, count: 8 - count) + tail
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
        for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
        return (high, low)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
