import PolicyDistribution
import PolicyEngine
import Testing

@Suite struct FeedParserTests {
    @Test func plainListKeepsEntriesSkipsCommentsAndReportsGarbageWithLineNumbers() {
        let text = """
            # a plain list
            192.0.2.7
            10.1.2.3/8   # host bits are cleared

            2001:DB8::1/32
            not-an-address
            198.51.100.0/33
            192.0.2.7
            ::ffff:203.0.113.0/120\r
            1.2.3.4 5.6.7.8
            """
        let parsed = FeedParser.parse(text, format: .plain)
        #expect(parsed.cidrStrings == ["10.0.0.0/8", "192.0.2.7/32", "203.0.113.0/24", "2001:db8::/32"])
        #expect(parsed.garbageCount == 3)
        #expect(parsed.garbage.map(\.line) == [6, 7, 10])
        #expect(parsed.garbage.map(\.text) == ["not-an-address", "198.51.100.0/33", "1.2.3.4 5.6.7.8"])
        #expect(parsed.garbage[0].reason == "invalid IP address")
        #expect(parsed.garbage[1].reason == "invalid prefix length")
        #expect(parsed.lineCount == 10)
        #expect(!parsed.isUnusable)
        #expect(parsed.garbageSummary?.hasPrefix("3 lines skipped: line 6 \"not-an-address\" (invalid IP address)") == true)
    }

    @Test func fireholNetsetHeadersAreComments() {
        let text = """
            #
            # firehol_level1
            #
            # Maintainer      : FireHOL
            # This File Date  : Wed Oct 21 07:28:00 UTC 2026
            #
            0.0.0.0/8
            5.8.37.0/24
            5.8.37.0/24
            224.0.0.0/3

            """
        let parsed = FeedParser.parse(text, format: .netset)
        #expect(parsed.cidrStrings == ["0.0.0.0/8", "5.8.37.0/24", "224.0.0.0/3"])
        #expect(parsed.garbageCount == 0)
        #expect(parsed.garbageSummary == nil)
    }

    @Test func spamhausDropJSONLinesKeepCIDRsAndSkipMetadata() {
        let text = """
            {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
            {"cidr":"2a06:e480::/29","sblid":"SBL301771","rir":"ripencc"}
            {"cidr":42}
            this is not json
            {"sblid":"SBL1"}
            ["1.2.3.0/24"]
            {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
            {"type":"metadata","timestamp":1761031680,"size":77215,"records":1520,"copyright":"(c) 2026 The Spamhaus Project SLU"}
            """
        let parsed = FeedParser.parse(text, format: .spamhausDropJSON)
        #expect(parsed.cidrStrings == ["1.10.16.0/20", "2a06:e480::/29"])
        #expect(parsed.garbage.map(\.line) == [3, 4, 5, 6])
        #expect(parsed.garbage.map(\.reason) == ["\"cidr\" is not a string", "not a JSON object", "no \"cidr\" member", "not a JSON object"])
    }

    @Test func contentWithoutAnyValidEntryIsUnusableButAnEmptyFeedIsNot() {
        let page = FeedParser.parse("<html>\n<body>Service Unavailable</body>\n</html>\n", format: .plain)
        #expect(page.isUnusable)
        #expect(page.garbageCount == 3)
        let empty = FeedParser.parse("# nothing listed today\n\n", format: .netset)
        #expect(!empty.isUnusable)
        #expect(empty.blocks.isEmpty)
    }

    @Test func garbageTextIsCutAndOnlyTheFirstHundredAreKeptButAllCounted() {
        let long = String(repeating: "x", count: 200)
        let text = (0..<150).map { _ in long }.joined(separator: "\n") + "\n10.0.0.1\n"
        let parsed = FeedParser.parse(text, format: .plain)
        #expect(parsed.garbageCount == 150)
        #expect(parsed.garbage.count == FeedParser.maximumReportedGarbage)
        #expect(parsed.garbage[0].text.count == 81)
        #expect(parsed.cidrStrings == ["10.0.0.1/32"])
    }

    @Test func aHundredThousandEntryFeedParsesCompletely() {
        var lines = ["# generated"]
        lines.reserveCapacity(100_001)
        for index in 0..<100_000 {
            if index % 2 == 0 {
                lines.append("10.\(index >> 16 & 0xFF).\(index >> 8 & 0xFF).\(index & 0xFF)")
            } else {
                lines.append("2001:db8:\(index >> 16):\(String(index & 0xFFFF, radix: 16))::/64")
            }
        }
        let parsed = FeedParser.parse(lines.joined(separator: "\n"), format: .plain)
        #expect(parsed.blocks.count == 100_000)
        #expect(parsed.garbageCount == 0)
        #expect(parsed.blocks.first?.description == "10.0.0.0/32")
        #expect(parsed.blocks.last?.address.family == .v6)
    }
}
