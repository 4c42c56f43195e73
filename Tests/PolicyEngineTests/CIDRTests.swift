import Testing

@testable import PolicyEngine

@Suite struct CIDRTests {
    @Test func parsesAndFormatsAddresses() throws {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("2001:db8:0:1:1:1:1:1")?.description == "2001:db8:0:1:1:1:1:1")
        #expect(IPAddress("2001:0:0:1::1")?.description == "2001:0:0:1::1")
        #expect(IPAddress("::ffff:192.0.2.7") == IPAddress("192.0.2.7"))
        #expect(IPAddress("64:ff9b::192.0.2.33")?.description == "64:ff9b::c000:221")
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2", "12345::", "g::1", "1.2.3.4/8"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func parsesBlocksAndClearsHostBits() throws {
        #expect(try CIDR(parsing: "10.1.2.3/8").description == "10.0.0.0/8")
        #expect(try CIDR(parsing: "192.0.2.1").description == "192.0.2.1/32")
        #expect(try CIDR(parsing: "2001:db8::1/32").description == "2001:db8::/32")
        #expect(try CIDR(parsing: "::ffff:10.0.0.0/104").description == "10.0.0.0/8")
        #expect(throws: CIDRParseError.self) { try CIDR(parsing: "10.0.0.0/33") }
        #expect(throws: CIDRParseError.self) { try CIDR(parsing: "10.0.0.0/") }
        #expect(throws: CIDRParseError.self) { try CIDR(parsing: "::/129") }
        #expect(throws: CIDRParseError.self) { try CIDR(parsing: "::ffff:1.2.3.4/64") }
    }

    @Test func formatsEveryIPv4WidthAndPrefix() throws {
        #expect(try CIDR(parsing: "0.0.0.0/0").description == "0.0.0.0/0")
        #expect(try CIDR(parsing: "255.255.255.255").description == "255.255.255.255/32")
        #expect(try CIDR(parsing: "100.20.3.0/24").description == "100.20.3.0/24")
        #expect(try CIDR(parsing: "9.99.199.1/9").description == "9.0.0.0/9")
        #expect(IPAddress(ipv4: 0x0A00_00FF).description == "10.0.0.255")
        var random = SeededGenerator(seed: 3)
        for _ in 0..<1_000 {
            let value = UInt32.random(in: 0...UInt32.max, using: &random)
            let prefix = Int.random(in: 0...32, using: &random)
            let block = try #require(CIDR(address: IPAddress(ipv4: value), prefixLength: prefix))
            let octets = (0..<4).map { String((block.address.ipv4Value! >> UInt32(24 - 8 * $0)) & 0xFF) }
            #expect(block.description == octets.joined(separator: ".") + "/\(prefix)")
            #expect(try CIDR(parsing: block.description) == block)
        }
    }

    @Test func listsAreSortedAndDeduplicatedWhetherOrNotTheyArriveInOrder() {
        let sorted = ParsedCIDRList(["10.0.0.0/8", "10.0.0.0/16", "192.0.2.0/24", "::/0"])
        #expect(sorted.canonicalStrings == ["10.0.0.0/8", "10.0.0.0/16", "192.0.2.0/24", "::/0"])
        let duplicated = ParsedCIDRList(["10.0.0.0/8", "10.0.0.0/8", "10.1.2.3/8", "192.0.2.0/24"])
        #expect(duplicated.canonicalStrings == ["10.0.0.0/8", "192.0.2.0/24"])
        let shuffled = ParsedCIDRList(["::/0", "192.0.2.0/24", "bad", "10.0.0.0/16", "10.0.0.0/8"])
        #expect(shuffled.canonicalStrings == ["10.0.0.0/8", "10.0.0.0/16", "192.0.2.0/24", "::/0", "bad"])
        #expect(shuffled.invalid.map(\.index) == [2])
    }

    @Test func setHandlesEdgesAndOverlaps() throws {
        let set = CIDRSet(try ["10.0.0.0/8", "10.1.0.0/16", "192.0.2.5/32", "192.0.2.6/32", "2001:db8::/32", "2001:db8:1::/48"].map { try CIDR(parsing: $0) })
        #expect(set.intervalCount == 3)
        for address in ["10.0.0.0", "10.255.255.255", "10.1.2.3", "192.0.2.5", "192.0.2.6", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"] {
            #expect(set.contains(IPAddress(address)!), "\(address)")
        }
        for address in ["9.255.255.255", "11.0.0.0", "192.0.2.4", "192.0.2.7", "2001:db9::", "2001:db7:ffff::", "::ffff:11.0.0.1"] {
            #expect(!set.contains(IPAddress(address)!), "\(address)")
        }
        #expect(set.contains(IPAddress("::ffff:10.9.9.9")!))
    }

    @Test func zeroPrefixCoversAFamilyAndOnlyThatFamily() throws {
        let v4 = CIDRSet([try CIDR(parsing: "0.0.0.0/0")])
        #expect(v4.contains(IPAddress("0.0.0.0")!) && v4.contains(IPAddress("255.255.255.255")!))
        #expect(!v4.contains(IPAddress("::1")!))
        let v6 = CIDRSet([try CIDR(parsing: "::/0")])
        #expect(v6.contains(IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!) && v6.contains(IPAddress("::")!))
        #expect(!v6.contains(IPAddress("1.2.3.4")!))
        let hosts = CIDRSet([try CIDR(parsing: "255.255.255.255/32"), try CIDR(parsing: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")])
        #expect(hosts.contains(IPAddress("255.255.255.255")!))
        #expect(!hosts.contains(IPAddress("255.255.255.254")!))
        #expect(hosts.contains(IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")!))
        #expect(!CIDRSet().contains(IPAddress("1.1.1.1")!))
    }

    @Test func hundredThousandRandomBlocksAgreeWithBruteForce() throws {
        var random = SeededGenerator(seed: 42)
        var v4: [(UInt32, UInt32)] = []
        var v6: [(UInt64, UInt64)] = []  // only the high 64 bits vary, prefixes 16...64
        var blocks: [CIDR] = []
        for index in 0..<100_000 {
            if index % 5 == 4 {
                let prefix = Int.random(in: 16...64, using: &random)
                let block = CIDR(address: IPAddress(ipv6High: random.next(), low: 0), prefixLength: prefix)!
                blocks.append(block)
                let (first, last) = block.bounds
                v6.append((first.0, last.0))
            } else {
                let prefix = Int.random(in: 8...32, using: &random)
                let block = CIDR(address: IPAddress(ipv4: UInt32.random(in: 0...UInt32.max, using: &random)), prefixLength: prefix)!
                blocks.append(block)
                let (first, last) = block.bounds
                v4.append((UInt32(first.1), UInt32(last.1)))
            }
        }
        let set = CIDRSet(blocks)
        var checked = 0
        var hits = 0
        for sample in 0..<400 {
            // Half random addresses, half addresses just inside or outside a known block.
            let value: UInt32
            if sample % 2 == 0 {
                value = UInt32.random(in: 0...UInt32.max, using: &random)
            } else {
                let (start, end) = v4[Int.random(in: 0..<v4.count, using: &random)]
                value = sample % 4 == 1 ? start &- 1 : end &+ 1
            }
            let expected = v4.contains { value >= $0.0 && value <= $0.1 }
            #expect(set.contains(IPAddress(ipv4: value)) == expected, "\(IPAddress(ipv4: value))")
            checked += 1
            if expected { hits += 1 }
        }
        for sample in 0..<200 {
            let high = sample % 2 == 0 ? random.next() : v6[Int.random(in: 0..<v6.count, using: &random)].1 &+ 1
            let expected = v6.contains { high >= $0.0 && high <= $0.1 }
            #expect(set.contains(IPAddress(ipv6High: high, low: 12345)) == expected)
            if expected { hits += 1 }
        }
        #expect(checked == 400)
        #expect(hits > 0)
    }
}
