/// Command injection: shell syntax that ends the intended command and starts another. At every
/// separator (`;`, `|`, `||`, `&`, `&&`, a newline, a backtick, `$(`), the word that follows is
/// looked up: reconnaissance, network and shell commands (`id`, `whoami`, `nc`, `sh -c`,
/// `curl -o`, `cat /etc/passwd`, `sleep 5`, ...) are flagged when followed by shell-shaped
/// arguments (a flag, a path, a number, a URL, a redirect, or nothing); everyday commands
/// (`ls`, `cat notes.txt`, `pwd`) only when the separator sits where injected text would — at the
/// start of the value or right after a single token such as an IP address or file name. Reverse
/// shell idioms (`/dev/tcp/`, `nc -e`, `bash -i >&`, `powershell -enc`, `${IFS}`) are flagged
/// anywhere. Prose that names commands ("use ls to list files", "cats; dogs"), markdown tables,
/// and shell snippets such as `cd build && make` pass.
enum CommandInjectionDetector {
    enum Separator: Equatable { case semicolon, pipe, or, and, ampersand, newline, backtick, substitution }

    /// Facts about the whole text computed once, so each separator costs O(1) extra.
    struct Context {
        /// The first whitespace after the first non-blank byte (text.count if none).
        let firstInteriorSpace: Int
        /// Whether the text reads as prose with inline code.
        let markdown: Bool

        init(_ text: [UInt8]) {
            var start = 0
            while start < text.count, Bytes.isSpace(text[start]) || "'\"".utf8.contains(text[start]) { start += 1 }
            firstInteriorSpace = text[start...].firstIndex(where: Bytes.isSpace) ?? text.count
            markdown = CommandInjectionDetector.looksLikeMarkdown(text)
        }
    }

    static func flags(_ input: [UInt8]) -> Bool {
        if SensitiveShell.strongPattern(input) { return true }
        let text = SensitiveShell.normalize(input)
        if text != input, SensitiveShell.strongPattern(text) { return true }
        let context = Context(text)
        var index = 0
        var insideBacktick = false
        while index < text.count {
            let byte = text[index]
            var separator: Separator?
            var length = 1
            switch byte {
            case UInt8(ascii: ";"): separator = .semicolon
            case UInt8(ascii: "|"):
                if index + 1 < text.count, text[index + 1] == byte { separator = .or; length = 2 } else { separator = .pipe }
            case UInt8(ascii: "&"):
                if index + 1 < text.count, text[index + 1] == byte {
                    separator = .and
                    length = 2
                } else if !isEntity(text, at: index) {
                    separator = .ampersand
                }
            case 0x0A, 0x0D: separator = .newline
            case UInt8(ascii: "`"):
                // Two or more backticks are markdown (code fences, ``code``), not substitution.
                var run = 1
                while index + run < text.count, text[index + run] == byte { run += 1 }
                if run > 1 {
                    index += run
                    continue
                }
                insideBacktick.toggle()
                if insideBacktick { separator = .backtick }
            case UInt8(ascii: "$") where index + 1 < text.count && text[index + 1] == UInt8(ascii: "("):
                separator = .substitution
                length = 2
            default: break
            }
            if let separator, injected(text, separatorAt: index, length: length, kind: separator, context) { return true }
            index += length
        }
        return false
    }

    /// `&amp;`, `&lt;`: an HTML entity, not a shell operator.
    static func isEntity(_ text: [UInt8], at index: Int) -> Bool {
        var cursor = index + 1
        while cursor < text.count, cursor - index <= 10, Bytes.isLetter(text[cursor]) || text[cursor] == UInt8(ascii: "#") {
            cursor += 1
        }
        return cursor > index + 1 && cursor < text.count && text[cursor] == UInt8(ascii: ";")
    }

    /// Whether the command after the separator at `index` looks injected.
    static func injected(_ text: [UInt8], separatorAt index: Int, length: Int, kind: Separator, _ context: Context) -> Bool {
        var cursor = index + length
        while cursor < text.count, Bytes.isSpace(text[cursor]) || text[cursor] == UInt8(ascii: "{")
            || text[cursor] == UInt8(ascii: "(") || text[cursor] == UInt8(ascii: "!")
        {
            if kind == .newline || text[cursor] != 0x0A { cursor += 1 } else { break }
        }
        var (command, end) = commandWord(text, from: cursor)
        // Wrappers run the command that follows them: `busybox nc`, `timeout 10 sleep 5`.
        var wrappers = 0
        while SensitiveShell.wrappers.contains(command), wrappers < 3 {
            var next = end
            while next < text.count {
                while next < text.count, text[next] == UInt8(ascii: " ") { next += 1 }
                guard next < text.count, text[next] == UInt8(ascii: "-") || Bytes.isDigit(text[next]) else { break }
                while next < text.count, !Bytes.isSpace(text[next]) { next += 1 }
            }
            let (inner, innerEnd) = commandWord(text, from: next)
            guard !inner.isEmpty else { break }
            (command, end) = (inner, innerEnd)
            wrappers += 1
        }
        cursor = end
        guard let risk = SensitiveShell.commands[command] else { return false }
        // Markdown table cells: `| id | name |`.
        if kind == .pipe, nextNonSpace(text, from: cursor) == UInt8(ascii: "|") { return false }
        // Inline code in prose ("Try `ls -la` first", "the `id` field") is markdown, not a
        // substitution: a backtick counts when it is glued to the value before it or starts the text.
        if kind == .backtick, index > 0, Bytes.isSpace(text[index - 1]) || text[index - 1] == UInt8(ascii: "("),
            context.markdown
        {
            return false
        }
        let arguments = argumentText(text, from: cursor, kind: kind)
        let assessment = SensitiveShell.assess(command, risk: risk, arguments: arguments, afterPipe: kind == .pipe)
        // A dangerous subcommand (`net user`, `echo x > /tmp/y`) needs no further shape.
        let subcommandDecides = SensitiveShell.subcommandDecides.contains(command)
        guard shellShaped(text, from: cursor, kind: kind) || (subcommandDecides && assessment == .high) else {
            return false
        }
        switch assessment {
        case .high: return true
        case .low: return injectionPosition(text, separatorAt: index, context)
        }
    }

    /// The command word starting at `start` (its base name) and the index after it.
    static func commandWord(_ text: [UInt8], from start: Int) -> (String, Int) {
        var end = start
        while end < text.count, isCommandByte(text[end]) { end += 1 }
        return (end > start ? baseName(text[start..<end]) : "", end)
    }

    static func isCommandByte(_ byte: UInt8) -> Bool {
        Bytes.isWord(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }

    /// The last path component, without `.exe`.
    static func baseName(_ word: ArraySlice<UInt8>) -> String {
        let last = word.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }).last ?? word
        var name = String(decoding: last, as: UTF8.self)
        if name.hasSuffix(".exe") { name.removeLast(4) }
        return name
    }

    static func nextNonSpace(_ text: [UInt8], from start: Int) -> UInt8? {
        var cursor = start
        while cursor < text.count, text[cursor] == UInt8(ascii: " ") || text[cursor] == 0x09 { cursor += 1 }
        return cursor < text.count ? text[cursor] : nil
    }

    /// The arguments up to the next separator (at most 512 bytes).
    static func argumentText(_ text: [UInt8], from start: Int, kind: Separator) -> [UInt8] {
        var end = start
        while end < text.count, end - start < 512 {
            let byte = text[end]
            if byte == UInt8(ascii: ";") || byte == UInt8(ascii: "|") || byte == 0x0A || byte == UInt8(ascii: "`") { break }
            if byte == UInt8(ascii: "&"), end + 1 < text.count, text[end + 1] == UInt8(ascii: "&") { break }
            if kind == .substitution, byte == UInt8(ascii: ")") { break }
            end += 1
        }
        return Array(text[start..<end])
    }

    /// What follows the command word looks like shell arguments, not prose.
    static func shellShaped(_ text: [UInt8], from start: Int, kind: Separator) -> Bool {
        var cursor = start
        guard cursor < text.count else { return true }
        let immediate = text[cursor]
        if ";|&`)}#\n\r".utf8.contains(immediate) { return true }
        if immediate == UInt8(ascii: "<") || immediate == UInt8(ascii: ">") { return true }
        // Brace expansion: `{cat,/etc/passwd}`.
        if immediate == UInt8(ascii: ","), braceOpened(text, before: start) { return true }
        guard Bytes.isSpace(immediate) else { return false }
        while cursor < text.count, text[cursor] == UInt8(ascii: " ") || text[cursor] == 0x09 { cursor += 1 }
        guard cursor < text.count else { return true }
        let first = text[cursor]
        if "-/~.$\"'\\%;|&`)<>{#".utf8.contains(first) || Bytes.isDigit(first) || first == 0x0A || first == 0x0D {
            if first == UInt8(ascii: ">") || first == UInt8(ascii: "<") {
                return redirectTarget(text, from: cursor)
            }
            return true
        }
        // A word that is a file name, host, URL or assignment.
        var end = cursor
        while end < text.count, end - cursor < 256, !Bytes.isSpace(text[end]), !";|&`)".utf8.contains(text[end]) { end += 1 }
        let word = text[cursor..<end]
        return word.contains(where: { ".:/\\=@".utf8.contains($0) }) && !(word.last == UInt8(ascii: ".") && word.dropLast().allSatisfy(Bytes.isLetter))
    }

    /// Whether the command word ending at `end` was opened by `{`.
    static func braceOpened(_ text: [UInt8], before end: Int) -> Bool {
        var cursor = end - 1
        while cursor >= 0, isCommandByte(text[cursor]) { cursor -= 1 }
        return cursor >= 0 && text[cursor] == UInt8(ascii: "{")
    }

    /// `> /tmp/x`, `>&2`, `< /etc/passwd`: a redirect to a path, not a comparison like `> 3`.
    static func redirectTarget(_ text: [UInt8], from start: Int) -> Bool {
        var cursor = start
        while cursor < text.count, text[cursor] == UInt8(ascii: ">") || text[cursor] == UInt8(ascii: "<") { cursor += 1 }
        while cursor < text.count, text[cursor] == UInt8(ascii: " ") { cursor += 1 }
        guard cursor < text.count else { return false }
        return "/~.&$".utf8.contains(text[cursor])
    }

    /// The separator is where injected text would put it: at the start of the value, or after one
    /// token (an address, a file name) with no spaces in it.
    static func injectionPosition(_ text: [UInt8], separatorAt index: Int, _ context: Context) -> Bool {
        var end = index
        while end > 0, Bytes.isSpace(text[end - 1]) || "'\"".utf8.contains(text[end - 1]) { end -= 1 }
        return context.firstInteriorSpace >= end
    }

    /// Several words outside backticks: inline code in prose rather than a substitution.
    static func looksLikeMarkdown(_ text: [UInt8]) -> Bool {
        var words = 0
        var inside = false
        var inWord = false
        for byte in text {
            if byte == UInt8(ascii: "`") { inside.toggle(); inWord = false; continue }
            guard !inside else { continue }
            if Bytes.isLetter(byte) {
                if !inWord { words += 1 }
                inWord = true
            } else {
                inWord = false
            }
        }
        return words >= 3
    }
}
