/// A min-heap of items waiting until an instant, holding each item once at its earliest time
/// (as client-go's delaying queue does).
struct DelayHeap<Key: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var readyAt: ContinuousClock.Instant
        var sequence: UInt64
        var key: Key
        func precedes(_ other: Entry) -> Bool {
            (readyAt, sequence) < (other.readyAt, other.sequence)
        }
    }

    private var entries: [Entry] = []
    private var readyAtByKey: [Key: ContinuousClock.Instant] = [:]
    private var nextSequence: UInt64 = 0

    /// How many items wait.
    var count: Int { readyAtByKey.count }

    /// The earliest instant an item becomes ready.
    var nextReadyAt: ContinuousClock.Instant? { entries.first?.readyAt }

    /// Adds an item, or moves it earlier when it already waits for later.
    mutating func insert(_ key: Key, readyAt: ContinuousClock.Instant) {
        if let existing = readyAtByKey[key], existing <= readyAt { return }
        readyAtByKey[key] = readyAt
        nextSequence += 1
        // An item moved earlier leaves a stale entry behind; `popReady` skips it.
        push(Entry(readyAt: readyAt, sequence: nextSequence, key: key))
    }

    /// Removes and returns the items ready at `now`, earliest first.
    mutating func popReady(now: ContinuousClock.Instant) -> [Key] {
        var ready: [Key] = []
        while let first = entries.first, first.readyAt <= now {
            let entry = pop()
            if readyAtByKey[entry.key] == entry.readyAt {
                readyAtByKey[entry.key] = nil
                ready.append(entry.key)
            }
        }
        return ready
    }

    /// Empties the heap.
    mutating func removeAll() {
        entries.removeAll()
        readyAtByKey.removeAll()
    }

    private mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Entry {
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < entries.count, entries[left].precedes(entries[smallest]) { smallest = left }
                if right < entries.count, entries[right].precedes(entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
