/// Many globs indexed for matching one name against all of them at once: exact patterns sit in a
/// hash table, the others in a byte trie keyed by their literal prefix, so a lookup touches only
/// the patterns that could match. Entries keep the order they were added in; results are entry
/// indices in ascending order.
struct GlobSet: Sendable {
    private let globs: [Glob]
    private let exact: [String: [Int]]
    /// Trie nodes: children by byte, and the entries whose literal prefix ends at the node.
    private let children: [[UInt8: Int]]
    private let entriesAtNode: [[Int]]
    private let everything: [Int]

    init(_ globs: [Glob]) {
        self.globs = globs
        var exact: [String: [Int]] = [:]
        var children: [[UInt8: Int]] = [[:]]
        var entries: [[Int]] = [[]]
        var everything: [Int] = []
        for (index, glob) in globs.enumerated() {
            switch glob.shape {
            case .exact(let text):
                exact[text, default: []].append(index)
                continue
            case .everything:
                everything.append(index)
                continue
            default:
                break
            }
            var node = 0
            for byte in glob.literalPrefix.utf8 {
                if let next = children[node][byte] {
                    node = next
                } else {
                    children.append([:])
                    entries.append([])
                    children[node][byte] = children.count - 1
                    node = children.count - 1
                }
            }
            entries[node].append(index)
        }
        self.exact = exact
        self.children = children
        self.entriesAtNode = entries
        self.everything = everything
    }

    /// Indices of all entries matching `name`, ascending.
    func matches(_ name: String) -> [Int] {
        var result = candidates(name).filter { globs[$0].matches(name) }
        result.sort()
        return result
    }

    /// The lowest entry index matching `name` for which `accept` holds.
    func firstMatch(_ name: String, where accept: (Int) -> Bool = { _ in true }) -> Int? {
        var best: Int?
        for index in candidates(name) where best == nil || index < best! {
            if accept(index), globs[index].matches(name) { best = index }
        }
        return best
    }

    /// Whether any entry matches `name`.
    func containsMatch(_ name: String) -> Bool {
        firstMatch(name) != nil
    }

    private func candidates(_ name: String) -> [Int] {
        var result = everything
        if let hits = exact[name] { result += hits }
        result += entriesAtNode[0]
        var node = 0
        for byte in name.utf8 {
            guard let next = children[node][byte] else { break }
            node = next
            result += entriesAtNode[node]
        }
        return result
    }
}
