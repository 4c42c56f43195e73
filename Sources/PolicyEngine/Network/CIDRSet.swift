/// A set of address blocks for fast membership tests: the blocks are turned into sorted,
/// merged, disjoint intervals per family, and a lookup is one binary search — about 17 steps
/// for 100,000 blocks. Immutable once built.
public struct CIDRSet: Sendable {
    private struct Key: Comparable, Sendable {
        var high: UInt64
        var low: UInt64
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
    }

    private let v4Starts: [UInt32]
    private let v4Ends: [UInt32]
    private let v6Starts: [Key]
    private let v6Ends: [Key]

    /// A set of the given blocks; overlapping and adjacent blocks merge.
    public init(_ blocks: some Sequence<CIDR>) {
        var v4: [(UInt32, UInt32)] = []
        var v6: [(Key, Key)] = []
        for block in blocks {
            let (first, last) = block.bounds
            if block.address.family == .v4 {
                v4.append((UInt32(first.1), UInt32(last.1)))
            } else {
                v6.append((Key(high: first.0, low: first.1), Key(high: last.0, low: last.1)))
            }
        }
        v4.sort { $0.0 < $1.0 }
        v6.sort { $0.0 < $1.0 }
        var starts4: [UInt32] = []
        var ends4: [UInt32] = []
        for (start, end) in v4 {
            if let lastEnd = ends4.last, lastEnd == .max || start <= lastEnd + 1 {
                ends4[ends4.count - 1] = max(lastEnd, end)
            } else {
                starts4.append(start)
                ends4.append(end)
            }
        }
        var starts6: [Key] = []
        var ends6: [Key] = []
        for (start, end) in v6 {
            if let lastEnd = ends6.last, start <= lastEnd || Self.isSuccessor(start, of: lastEnd) {
                ends6[ends6.count - 1] = max(lastEnd, end)
            } else {
                starts6.append(start)
                ends6.append(end)
            }
        }
        v4Starts = starts4
        v4Ends = ends4
        v6Starts = starts6
        v6Ends = ends6
    }

    /// An empty set.
    public init() { self.init([]) }

    /// Whether no block is in the set.
    public var isEmpty: Bool { v4Starts.isEmpty && v6Starts.isEmpty }

    /// The number of disjoint intervals after merging.
    public var intervalCount: Int { v4Starts.count + v6Starts.count }

    /// Whether `address` lies in any block of the set.
    public func contains(_ address: IPAddress) -> Bool {
        if let value = address.ipv4Value {
            guard let index = Self.lastIndex(in: v4Starts, notAbove: value) else { return false }
            return value <= v4Ends[index]
        }
        let key = Key(high: address.high, low: address.low)
        guard let index = Self.lastIndex(in: v6Starts, notAbove: key) else { return false }
        return key <= v6Ends[index]
    }

    private static func isSuccessor(_ next: Key, of previous: Key) -> Bool {
        if previous.low == .max { return previous.high != .max && next.high == previous.high + 1 && next.low == 0 }
        return next.high == previous.high && next.low == previous.low + 1
    }

    /// The index of the last element not above `value`, by binary search.
    private static func lastIndex<T: Comparable>(in sorted: [T], notAbove value: T) -> Int? {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }
}
