import PolicyEngine

/// Parses threat-intelligence feeds into address blocks. Pure: bytes in, blocks out.
///
/// Formats (`PolicyDocument.Feed.Format`):
/// - `plain`: one IPv4/IPv6 address or CIDR block per line; `#` starts a comment (whole line or
///   after the entry); blank lines are ignored; CRLF line ends are accepted.
/// - `netset`: FireHOL netsets, the same grammar with `#` header lines.
/// - `spamhaus-drop-json`: Spamhaus DROP in JSON lines, one object per line with a `cidr` member
///   (`{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}`); the trailing
///   `{"type":"metadata",...}` object is recognised and skipped.
///
/// A line that is none of these is garbage: it is skipped, counted and reported with its line
/// number (1-based), and the rest of the feed is kept. Blocks are normalised (host bits cleared,
/// an IPv4-mapped IPv6 block becomes the IPv4 block), deduplicated and sorted (IPv4 first, then
/// by address, shorter prefixes first).
public enum FeedParser {
    /// At most this many garbage lines are kept with their text; every one is counted.
    public static let maximumReportedGarbage = 100

    /// Parses `bytes` as `format`.
    public static func parse(_ bytes: some Collection<UInt8>, format: PolicyDocument.Feed.Format) -> ParsedFeed {
        var blocks: [CIDR] = []
        var garbage: [FeedGarbageLine] = []
        var garbageCount = 0
        var lineNumber = 0
        let contiguous = Array(bytes)
        blocks.reserveCapacity(contiguous.count / 16)
        contiguous.withUnsafeBufferPointer { buffer in
            var start = 0
            let count = buffer.count
            while start < count {
                var end = start
                while end < count, buffer[end] != 0x0A { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                switch parseLine(line, format: format) {
                case .block(let block): blocks.append(block)
                case .skip: break
                case .garbage(let reason):
                    garbageCount += 1
                    if garbage.count < maximumReportedGarbage {
                        garbage.append(FeedGarbageLine(line: lineNumber, text: excerpt(line), reason: reason))
                    }
                }
                start = end + 1
            }
        }
        return ParsedFeed(blocks: normalize(blocks), garbage: garbage, garbageCount: garbageCount, lineCount: lineNumber)
    }

    /// Parses `text` as `format`.
    public static func parse(_ text: String, format: PolicyDocument.Feed.Format) -> ParsedFeed {
        parse(Array(text.utf8), format: format)
    }

    /// Sorted (IPv4 first, address order, shorter prefixes first), duplicates removed.
    static func normalize(_ blocks: [CIDR]) -> [CIDR] {
        let sorted = blocks.sorted { lhs, rhs in
            if lhs.address.family != rhs.address.family { return lhs.address.family == .v4 }
            if lhs.address != rhs.address { return lhs.address < rhs.address }
            return lhs.prefixLength < rhs.prefixLength
        }
        var unique: [CIDR] = []
        unique.reserveCapacity(sorted.count)
        for block in sorted where block != unique.last { unique.append(block) }
        return unique
    }

    private enum LineResult {
        case block(CIDR)
        case skip
        case garbage(String)
    }

    private static func parseLine(_ line: UnsafeBufferPointer<UInt8>, format: PolicyDocument.Feed.Format) -> LineResult {
        switch format {
        case .plain, .netset: return parseListLine(line)
        case .spamhausDropJSON: return parseDropJSONLine(line)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lower = 0
        var upper = line.count
        while lower < upper, isSpace(line[lower]) { lower += 1 }
        while upper > lower, isSpace(line[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func parseListLine(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        var range = trimmed(line)
        if let hash = line[range].firstIndex(of: UInt8(ascii: "#")) {
            range = range.lowerBound..<hash
            while range.upperBound > range.lowerBound, isSpace(line[range.upperBound - 1]) {
                range = range.lowerBound..<(range.upperBound - 1)
            }
        }
        if range.isEmpty { return .skip }
        let entry = line[range]
        if entry.contains(where: isSpace) { return .garbage("more than one entry on the line") }
        return block(String(decoding: entry, as: UTF8.self))
    }

    private static func block(_ text: String) -> LineResult {
        do throws(CIDRParseError) {
            return .block(try CIDR(parsing: text))
        } catch {
            return .garbage(error.shortDescription)
        }
    }

    private static func parseDropJSONLine(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        let range = trimmed(line)
        if range.isEmpty { return .skip }
        let json: PolicyJSON
        do throws(PolicyJSONError) {
            json = try PolicyJSON(parsing: line[range])
        } catch {
            return .garbage("not a JSON object")
        }
        guard case .object(let members) = json else { return .garbage("not a JSON object") }
        if let cidr = members["cidr"] {
            guard let text = cidr.stringValue else { return .garbage("\"cidr\" is not a string") }
            return block(text)
        }
        if members["type"]?.stringValue == "metadata" { return .skip }
        return .garbage("no \"cidr\" member")
    }

    private static func excerpt(_ line: UnsafeBufferPointer<UInt8>) -> String {
        let range = trimmed(line)
        let limit = 80
        let cut = line[range.lowerBound..<min(range.upperBound, range.lowerBound + limit)]
        let text = String(decoding: cut, as: UTF8.self)
        return range.count > limit ? text + "…" : text
    }
}

/// A parsed feed: the blocks kept and the lines skipped.
public struct ParsedFeed: Sendable, Hashable {
    /// The blocks, normalised, deduplicated and sorted.
    public var blocks: [CIDR]
    /// The first `FeedParser.maximumReportedGarbage` garbage lines.
    public var garbage: [FeedGarbageLine]
    /// How many lines were garbage in all.
    public var garbageCount: Int
    /// How many lines the feed had.
    public var lineCount: Int

    /// A parsed feed.
    public init(blocks: [CIDR], garbage: [FeedGarbageLine] = [], garbageCount: Int? = nil, lineCount: Int = 0) {
        self.blocks = blocks
        self.garbage = garbage
        self.garbageCount = garbageCount ?? garbage.count
        self.lineCount = lineCount
    }

    /// The blocks as canonical CIDR text (`10.0.0.0/8`, `2001:db8::/32`).
    public var cidrStrings: [String] { blocks.map(\.description) }

    /// Whether the content is unusable as a whole: it had garbage and not one valid entry (an
    /// error page served in place of the feed, a wrong `format`). An empty feed is usable.
    public var isUnusable: Bool { blocks.isEmpty && garbageCount > 0 }

    /// One line about the skipped lines, such as
    /// `2 lines skipped: line 3 "10.0.0.999" (invalid IP address); line 7 "x y" (more than one entry on the line)`;
    /// nil when none were.
    public var garbageSummary: String? {
        guard garbageCount > 0 else { return nil }
        let shown = garbage.prefix(3).map { "line \($0.line) \"\($0.text)\" (\($0.reason))" }
        let more = garbageCount > shown.count ? "; …" : ""
        return "\(garbageCount) line\(garbageCount == 1 ? "" : "s") skipped: \(shown.joined(separator: "; "))\(more)"
    }
}

/// A feed line that is not an entry.
public struct FeedGarbageLine: Sendable, Hashable {
    /// The line number, from 1.
    public var line: Int
    /// The line's text (trimmed, at most 80 characters).
    public var text: String
    /// Why it is not an entry.
    public var reason: String

    /// A garbage line.
    public init(line: Int, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }
}
