/// A policy's CIDR list parsed once and shared by validation, normalization and compilation,
/// so a 100,000-entry threat feed is parsed a single time per compile.
struct ParsedCIDRList: Sendable {
    /// The blocks that parsed, in address order, duplicates removed.
    let blocks: [CIDR]
    /// The entries that did not parse, with their positions in the list.
    let invalid: [(index: Int, text: String, error: CIDRParseError)]

    init(_ list: [String]?) {
        var blocks: [CIDR] = []
        var invalid: [(Int, String, CIDRParseError)] = []
        blocks.reserveCapacity(list?.count ?? 0)
        for (index, text) in (list ?? []).enumerated() {
            do throws(CIDRParseError) {
                blocks.append(try CIDR(parsing: text))
            } catch {
                invalid.append((index, text, error))
            }
        }
        self.invalid = invalid
        // A normalized document (what the operator pushes) lists its blocks sorted and unique:
        // keep them as they are without sorting again.
        if Self.isStrictlyOrdered(blocks) {
            self.blocks = blocks
            return
        }
        blocks.sort(by: CIDR.precedes)
        var unique: [CIDR] = []
        unique.reserveCapacity(blocks.count)
        for block in blocks where block != unique.last { unique.append(block) }
        self.blocks = unique
    }

    /// Whether every block precedes the next (sorted, no duplicates).
    private static func isStrictlyOrdered(_ blocks: [CIDR]) -> Bool {
        var index = 1
        while index < blocks.count {
            guard CIDR.precedes(blocks[index - 1], blocks[index]) else { return false }
            index += 1
        }
        return true
    }

    /// Canonical texts of the blocks, followed by the unparsable entries as written.
    var canonicalStrings: [String] {
        blocks.map(\.description) + invalid.map(\.text)
    }
}

/// The three CIDR lists of a policy, parsed.
struct ParsedCIDRs: Sendable {
    let allow: ParsedCIDRList
    let deny: ParsedCIDRList
    let threatIntel: ParsedCIDRList

    init(_ document: PolicyDocument) {
        allow = ParsedCIDRList(document.network?.allowCIDRs)
        deny = ParsedCIDRList(document.network?.denyCIDRs)
        threatIntel = ParsedCIDRList(document.threatIntel?.denyCIDRs)
    }
}
