/// The Pike VM: runs a compiled program over UTF-8 bytes, advancing every live thread in lock
/// step one scalar at a time, so a search costs O(text × program) whatever the pattern — no
/// backtracking, no exponential cases. Threads are kept in priority order, which gives
/// leftmost-first (Perl-like) submatch semantics.
struct PikeVM {
    private enum Frame {
        case explore(Int)
        case restore(slot: Int, value: Int)
    }

    private struct ThreadList {
        var pcs: [Int] = []
        var captures: [Int] = []

        mutating func removeAll() {
            pcs.removeAll(keepingCapacity: true)
            captures.removeAll(keepingCapacity: true)
        }
    }

    private let program: RegexProgram
    private let slotCount: Int
    private var marks: [UInt32]
    private var generation: UInt32 = 0
    private var stack: [Frame] = []
    private var working: [Int]

    /// A VM that records `slotCount` capture slots (2 per group; 2 for the whole match only).
    init(program: RegexProgram, slotCount: Int) {
        self.program = program
        self.slotCount = slotCount
        self.marks = Array(repeating: 0, count: program.instructions.count)
        self.working = Array(repeating: -1, count: slotCount)
    }

    /// Searches `text` from byte offset `start` for the leftmost-first match. Returns its capture
    /// slots (byte offsets, -1 when a group did not take part), or nil. With `earliest`, returns
    /// as soon as any match is certain (the slots are then not meaningful).
    mutating func search(_ text: UnsafeBufferPointer<UInt8>, from start: Int, earliest: Bool) -> [Int]? {
        var current = ThreadList()
        var next = ThreadList()
        var matched: [Int]?
        var position = start
        var previous = start > 0 ? Self.decodeBackward(text, before: start) : nil
        nextGeneration()
        while true {
            let (scalar, length) = position < text.count ? Self.decode(text, at: position) : (UInt32.max, 0)
            if matched == nil, !program.anchoredAtStart || position == 0 {
                for slot in 0..<slotCount { working[slot] = -1 }
                addThread(to: &current, pc: 0, position: position, previous: previous,
                          next: position < text.count ? scalar : nil)
            }
            if current.pcs.isEmpty {
                // Nothing alive: done if a match was found or no later start can match.
                if matched != nil || length == 0 || program.anchoredAtStart { break }
                previous = scalar
                position += length
                nextGeneration()
                continue
            }
            nextGeneration()
            next.removeAll()
            let following = position + length < text.count ? Self.decode(text, at: position + length).0 : nil
            threads: for index in current.pcs.indices {
                let pc = current.pcs[index]
                switch program.instructions[pc] {
                case .match:
                    matched = Array(current.captures[index * slotCount..<(index + 1) * slotCount])
                    if earliest { return matched }
                    // Lower-priority threads are cut off: leftmost-first.
                    break threads
                case .scalar(let expected):
                    if length > 0, scalar == expected {
                        advance(index, current, pc, position + length, scalar, following, &next)
                    }
                case .set(let set):
                    if length > 0, program.sets[set].contains(scalar) {
                        advance(index, current, pc, position + length, scalar, following, &next)
                    }
                default:
                    break
                }
            }
            if length == 0 { break }
            swap(&current, &next)
            previous = scalar
            position += length
        }
        return matched
    }

    private mutating func advance(_ index: Int, _ list: ThreadList, _ pc: Int, _ position: Int,
                                  _ previous: UInt32, _ following: UInt32?, _ target: inout ThreadList)
    {
        for slot in 0..<slotCount { working[slot] = list.captures[index * slotCount + slot] }
        addThread(to: &target, pc: pc + 1, position: position, previous: previous, next: following)
    }

    private mutating func nextGeneration() {
        generation &+= 1
        if generation == 0 {
            for index in marks.indices { marks[index] = 0 }
            generation = 1
        }
    }

    /// Follows jumps, splits, saves and assertions from `pc` and adds the consuming (or matching)
    /// instructions reached to `list`, in priority order, each at most once per position.
    private mutating func addThread(to list: inout ThreadList, pc start: Int, position: Int,
                                    previous: UInt32?, next: UInt32?)
    {
        stack.append(.explore(start))
        while let frame = stack.popLast() {
            switch frame {
            case .restore(let slot, let value):
                working[slot] = value
            case .explore(let pc):
                if marks[pc] == generation { continue }
                marks[pc] = generation
                switch program.instructions[pc] {
                case .jump(let target):
                    stack.append(.explore(target))
                case .split(let first, let second):
                    stack.append(.explore(second))
                    stack.append(.explore(first))
                case .save(let slot):
                    if slot < slotCount {
                        stack.append(.restore(slot: slot, value: working[slot]))
                        working[slot] = position
                    }
                    stack.append(.explore(pc + 1))
                case .assert(let assertion):
                    if Self.holds(assertion, previous: previous, next: next) { stack.append(.explore(pc + 1)) }
                default:
                    list.pcs.append(pc)
                    list.captures.append(contentsOf: working)
                }
            }
        }
    }

    private static func holds(_ assertion: RegexAssertion, previous: UInt32?, next: UInt32?) -> Bool {
        switch assertion {
        case .startOfText: return previous == nil
        case .endOfText: return next == nil
        case .startOfLine: return previous == nil || previous == 0x0A
        case .endOfLine: return next == nil || next == 0x0A
        case .wordBoundary: return isWord(previous) != isWord(next)
        case .notWordBoundary: return isWord(previous) == isWord(next)
        }
    }

    private static func isWord(_ value: UInt32?) -> Bool {
        guard let value else { return false }
        return ScalarSet.word.contains(value)
    }

    /// The scalar starting at `offset` and its length in bytes (invalid bytes decode as U+FFFD).
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) -> (UInt32, Int) {
        let lead = text[offset]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, offset + length <= text.count else { return (0xFFFD, 1) }
        var value = UInt32(lead) & (0x7F >> UInt32(length))
        for index in 1..<length {
            let byte = text[offset + index]
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    /// The scalar that ends just before `offset`.
    static func decodeBackward(_ text: UnsafeBufferPointer<UInt8>, before offset: Int) -> UInt32 {
        var start = offset - 1
        while start > 0, offset - start < 4, text[start] & 0xC0 == 0x80 { start -= 1 }
        return decode(text, at: start).0
    }
}
