/// Path traversal: a file argument that climbs out of the directory it is meant for or names
/// a system secret. Flags a run of four or more `../` (or `..\`) segments; any `../` run that
/// leads into a system directory (`etc`, `proc`, `windows`, ...) or a secret (`.ssh/id_rsa`,
/// `.env`, `web.config`); a traversal that only appears after decoding (`%2e%2e%2f`, `%252e`,
/// `..%c0%af`, `%u2216`); filter bypasses like `....//` and `..;/`; and a bare absolute path or
/// `file://` URL to a secret (`/etc/passwd`, `C:\boot.ini`, `/proc/self/environ`). Relative
/// paths like `../README.md` or `../../src/index.ts`, and sentences that mention `/etc/hosts`,
/// pass.
enum PathTraversalDetector {
    /// A run this long is flagged whatever follows it.
    static let runThreshold = 4

    struct Scan {
        var flagged = false
        var traversals = 0
    }

    static func flags(_ text: DetectorText) -> Bool {
        // Every shape this detector knows needs a dot or a separator somewhere.
        let relevant: (UInt8) -> Bool = { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }
        guard text.raw.contains(where: relevant) || text.decoded?.contains(where: relevant) == true else { return false }
        let raw = scan(SensitivePaths.slashed(text.raw))
        if raw.flagged { return true }
        guard let decoded = text.decoded else { return false }
        let decodedScan = scan(SensitivePaths.slashed(decoded))
        // A traversal that needed decoding to appear was hidden on purpose.
        return decodedScan.flagged || decodedScan.traversals > raw.traversals
    }

    static func scan(_ text: [UInt8]) -> Scan {
        var result = Scan()
        if bypass(text) || bareSecret(text) {
            result.flagged = true
            return result
        }
        var index = 0
        while index < text.count {
            guard let segmentEnd = traversalSegment(text, at: index) else {
                index += 1
                continue
            }
            // A run of traversal segments, allowing `./` and repeated slashes between them.
            var run = 0
            var cursor = index
            while true {
                if let end = traversalSegment(text, at: cursor) {
                    run += 1
                    cursor = end
                } else if text.has(Bytes.of("./"), at: cursor) {
                    cursor += 2
                    continue
                } else {
                    break
                }
                while cursor < text.count, text[cursor] == UInt8(ascii: "/") { cursor += 1 }
            }
            result.traversals += run
            if run >= runThreshold || leadsSomewhereSensitive(text, from: cursor) {
                result.flagged = true
                return result
            }
            index = max(cursor, segmentEnd)
        }
        return result
    }

    /// If a `..` segment starts at `index` (at the start of a path component), the index just
    /// after it (past its separator, when there is one).
    static func traversalSegment(_ text: [UInt8], at index: Int) -> Int? {
        guard index < text.count, text[index] == UInt8(ascii: ".") else { return nil }
        if index > 0 {
            let previous = text[index - 1]
            guard !(Bytes.isWord(previous) || previous == UInt8(ascii: ".") || previous == UInt8(ascii: "-")) else {
                return nil
            }
        }
        var cursor = index
        while cursor < text.count, text[cursor] == UInt8(ascii: ".") { cursor += 1 }
        guard cursor - index >= 2 else { return nil }
        if cursor < text.count, text[cursor] == UInt8(ascii: ";") || text[cursor] == 0 { cursor += 1 }
        if cursor == text.count { return cursor }
        return text[cursor] == UInt8(ascii: "/") ? cursor + 1 : nil
    }

    /// Whether the path that follows a traversal run enters a system directory or names a secret.
    static func leadsSomewhereSensitive(_ text: [UInt8], from start: Int) -> Bool {
        var end = start
        while end < text.count, end - start < 1024, !Bytes.isSpace(text[end]), text[end] != UInt8(ascii: "\""),
            text[end] != UInt8(ascii: "'"), text[end] != UInt8(ascii: "&")
        {
            end += 1
        }
        let path = Array(text[start..<end])
        if SensitivePaths.broadSet.occurs(in: path) { return true }
        let first = path.split(separator: UInt8(ascii: "/"), maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) }
        guard let first else { return false }
        return SensitivePaths.systemRoots.contains(first) || first.hasPrefix("c:") || first == "~"
    }

    /// Filter-evasion shapes: `....//`, `..././`, `..;/`.
    static func bypass(_ text: [UInt8]) -> Bool {
        text.containsBytes(Bytes.of("....//")) || text.containsBytes(Bytes.of("..././"))
            || text.containsBytes(Bytes.of("..;/"))
    }

    /// The whole text is one path (no spaces) that names a secret, as an absolute path, a drive
    /// path, a UNC path, a `file:` URL, or the value of a query parameter.
    static func bareSecret(_ text: [UInt8]) -> Bool {
        var trimmed = text[...]
        while let first = trimmed.first, Bytes.isSpace(first) || first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            trimmed = trimmed.dropFirst()
        }
        while let last = trimmed.last, Bytes.isSpace(last) || last == UInt8(ascii: "\"") || last == UInt8(ascii: "'") {
            trimmed = trimmed.dropLast()
        }
        guard !trimmed.isEmpty, !trimmed.contains(where: Bytes.isSpace) else { return false }
        let path = Array(trimmed)
        guard SensitivePaths.strictSet.occurs(in: path) else { return false }
        let first = path[0]
        let absolute = first == UInt8(ascii: "/") || first == UInt8(ascii: "~")
            || (path.count > 2 && Bytes.isLetter(first) && path[1] == UInt8(ascii: ":") && path[2] == UInt8(ascii: "/"))
            || path.has(Bytes.of("file:"), at: 0)
        return absolute || path.containsBytes(Bytes.of("=/")) || path.containsBytes(Bytes.of("=file:"))
            || path.containsBytes(Bytes.of("=c:/"))
    }
}
