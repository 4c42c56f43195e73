/// An address block in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`). A bare address is a block
/// of one (`/32` or `/128`). Host bits are cleared, so `10.1.2.3/8` is `10.0.0.0/8`. An
/// IPv4-mapped IPv6 block of prefix 96 or longer is the IPv4 block it maps.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block.
    public let address: IPAddress
    /// The number of leading bits that are fixed.
    public let prefixLength: Int

    /// A block from an address and a prefix length, clearing host bits.
    public init?(address: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= address.bitWidth else { return nil }
        self.prefixLength = prefixLength
        if address.family == .v4 {
            let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
            self.address = IPAddress(ipv4: address.ipv4Value! & mask)
        } else {
            let (highMask, lowMask) = Self.ipv6Mask(prefixLength)
            self.address = IPAddress(ipv6High: address.high & highMask, low: address.low & lowMask)
        }
    }

    /// Parses `ADDRESS/PREFIX` or a bare address.
    public init(parsing text: some StringProtocol) throws(CIDRParseError) {
        let utf8 = Array(text.utf8)
        let slash = utf8.firstIndex(of: UInt8(ascii: "/"))
        var prefixDigits: ArraySlice<UInt8>?
        if let slash {
            prefixDigits = utf8[(slash + 1)...]
            guard !prefixDigits!.contains(UInt8(ascii: "/")) else { throw .init(text: String(text), reason: .malformed) }
        }
        var addressBytes = utf8[..<(slash ?? utf8.count)]
        if let percent = addressBytes.firstIndex(of: UInt8(ascii: "%")) { addressBytes = addressBytes[..<percent] }
        let isTextIPv6 = addressBytes.contains(UInt8(ascii: ":"))
        let address: IPAddress
        if isTextIPv6 {
            guard let (high, low) = IPAddress.parseIPv6(addressBytes) else { throw .init(text: String(text), reason: .badAddress) }
            address = IPAddress(ipv6High: high, low: low)
        } else {
            guard let value = IPAddress.parseIPv4(addressBytes) else { throw .init(text: String(text), reason: .badAddress) }
            address = IPAddress(ipv4: value)
        }
        let isMapped = isTextIPv6 && address.family == .v4
        var prefix = address.bitWidth
        if let digits = prefixDigits {
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .init(text: String(text), reason: .badPrefix)
            }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if isMapped {
                guard value >= 96, value <= 128 else { throw .init(text: String(text), reason: .mappedPrefix) }
                prefix = value - 96
            } else {
                guard value <= address.bitWidth else { throw .init(text: String(text), reason: .badPrefix) }
                prefix = value
            }
        }
        self.init(address: address, prefixLength: prefix)!
    }

    /// Address order, then shorter prefixes first.
    static func precedes(_ lhs: CIDR, _ rhs: CIDR) -> Bool {
        let (a, b) = (lhs.address, rhs.address)
        if a.family != b.family { return a.family == .v4 }
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return lhs.prefixLength < rhs.prefixLength
    }

    /// Whether `candidate` lies inside the block.
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.family == address.family else { return false }
        let (first, last) = bounds
        return (candidate.high, candidate.low) >= first && (candidate.high, candidate.low) <= last
    }

    /// The first and last address of the block as (high, low) pairs.
    var bounds: ((UInt64, UInt64), (UInt64, UInt64)) {
        if address.family == .v4 {
            let hostBits = UInt64(32 - prefixLength)
            let span: UInt64 = hostBits == 0 ? 0 : (UInt64(1) << hostBits) - 1
            return ((0, address.low), (0, address.low | span))
        }
        let (highMask, lowMask) = Self.ipv6Mask(prefixLength)
        return ((address.high, address.low), (address.high | ~highMask, address.low | ~lowMask))
    }

    static func ipv6Mask(_ prefix: Int) -> (UInt64, UInt64) {
        let high: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~UInt64(0) << UInt64(64 - prefix))
        let low: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? ~0 : ~UInt64(0) << UInt64(128 - prefix))
        return (high, low)
    }

    /// `ADDRESS/PREFIX` with the address in canonical form.
    public var description: String {
        guard let value = address.ipv4Value else { return "\(address)/\(prefixLength)" }
        // IPv4 in one buffer: a threat feed renders 100,000 of these per compile.
        return String(unsafeUninitializedCapacity: 18) { buffer in
            var count = IPAddress.writeIPv4(value, into: buffer)
            buffer[count] = UInt8(ascii: "/")
            count += 1
            if prefixLength >= 10 {
                buffer[count] = 0x30 + UInt8(prefixLength / 10)
                count += 1
            }
            buffer[count] = 0x30 + UInt8(prefixLength % 10)
            return count + 1
        }
    }
}

/// Why a string is not a CIDR block.
public struct CIDRParseError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Reason: Hashable, Sendable {
        case malformed
        case badAddress
        case badPrefix
        case mappedPrefix
    }

    /// The text that failed to parse.
    public let text: String
    let reason: Reason

    init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    /// A short label without the text, safe as a metric label.
    public var shortDescription: String {
        switch reason {
        case .malformed: "malformed CIDR"
        case .badAddress: "invalid IP address"
        case .badPrefix: "invalid prefix length"
        case .mappedPrefix: "an IPv4-mapped block needs a prefix length from 96 to 128"
        }
    }

    /// The label and the offending text.
    public var description: String { "\(shortDescription) in \"\(text)\"" }
}
