/// A zero-width test at a position in the input.
enum RegexAssertion: Sendable, Hashable {
    case startOfText
    case endOfText
    case startOfLine
    case endOfLine
    case wordBoundary
    case notWordBoundary
}

/// The parsed form of a pattern.
indirect enum RegexNode: Sendable, Hashable {
    case empty
    case scalar(UInt32)
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case group(RegexNode, capture: Int?)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)

    /// The scalars every match of the node starts with, and whether they are the whole node.
    var leadingLiteral: (scalars: [UInt32], complete: Bool) {
        switch self {
        case .scalar(let value): return ([value], true)
        case .empty, .assertion: return ([], true)
        case .group(let inner, _): return inner.leadingLiteral
        case .concatenation(let items):
            var scalars: [UInt32] = []
            for item in items {
                let (part, complete) = item.leadingLiteral
                scalars += part
                if !complete { return (scalars, false) }
            }
            return (scalars, true)
        case .repetition(let inner, let min, _, _) where min >= 1:
            return (inner.leadingLiteral.scalars, false)
        default:
            return ([], false)
        }
    }

    /// Whether the node can match without consuming input (assertions taken as passing).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .assertion: true
        case .scalar, .set: false
        case .group(let node, _): node.canMatchEmpty
        case .concatenation(let nodes): nodes.allSatisfy(\.canMatchEmpty)
        case .alternation(let nodes): nodes.contains(where: \.canMatchEmpty)
        case .repetition(let node, let min, _, _): min == 0 || node.canMatchEmpty
        }
    }
}

/// A set of Unicode scalar values as sorted, disjoint, non-adjacent ranges.
struct ScalarSet: Sendable, Hashable {
    private(set) var ranges: [ClosedRange<UInt32>]

    init(_ ranges: [ClosedRange<UInt32>]) {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    static let digits = ScalarSet([0x30...0x39])
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20])
    static let notNewline = ScalarSet([0x0A...0x0A]).inverted
    static let all = ScalarSet([0...0x10FFFF])

    /// Every scalar not in the set.
    var inverted: ScalarSet {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return ScalarSet(result)
    }

    func union(_ other: ScalarSet) -> ScalarSet { ScalarSet(ranges + other.ranges) }

    /// The set with the other-case forms of its letters added (simple one-to-one case mappings).
    var caseFolded: ScalarSet {
        var extra: [ClosedRange<UInt32>] = []
        for range in ranges {
            // ASCII letters in bulk; other scalars one by one when the range is small.
            let (upperLow, upperHigh) = (max(range.lowerBound, 0x41), min(range.upperBound, 0x5A))
            if upperLow <= upperHigh { extra.append((upperLow + 32)...(upperHigh + 32)) }
            let (lowerLow, lowerHigh) = (max(range.lowerBound, 0x61), min(range.upperBound, 0x7A))
            if lowerLow <= lowerHigh { extra.append((lowerLow - 32)...(lowerHigh - 32)) }
            guard range.upperBound >= 0x80, range.count <= 1024 else { continue }
            for value in max(range.lowerBound, 0x80)...range.upperBound {
                for other in Self.otherCases(value) { extra.append(other...other) }
            }
        }
        return extra.isEmpty ? self : ScalarSet(ranges + extra)
    }

    static func otherCases(_ value: UInt32) -> [UInt32] {
        guard let scalar = Unicode.Scalar(value) else { return [] }
        var result: [UInt32] = []
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first, only.value != value { result.append(only.value) }
        }
        return result
    }

    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if ranges.count <= 4 {
            for range in ranges where range.contains(value) { return true }
            return false
        }
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else if ranges[middle].lowerBound > value {
                high = middle
            } else {
                return true
            }
        }
        return false
    }
}
