/// Cross-site scripting: markup or script that would run if the text reached a browser. Flags
/// `<script`, a tag carrying an event-handler attribute (`<img src=x onerror=...>`,
/// `<svg/onload=...>`), frames and objects that load content, `javascript:`/`vbscript:` URLs
/// (also split by whitespace or entities), `data:text/html` URLs, an attribute break-out like
/// `" onfocus="...`, the `alert(1)`-style probes, CSS `expression(...)`, and template-injection
/// gadgets. Prose about JavaScript, ordinary HTML such as `<div class="x">` or `<a href="/docs">`,
/// and comparisons like `a < b` pass. Inline handlers in pasted HTML (`onclick="save()"`) are
/// flagged: they run script.
enum XSSDetector {
    static func flags(_ input: [UInt8]) -> Bool {
        // Every shape below needs one of these characters; plain prose has none of them.
        guard input.contains(where: { triggers[Int($0)] }) else { return false }
        let text = input.contains(0) ? input.filter { $0 != 0 } : input
        if text.contains(UInt8(ascii: "<")), tags(text) { return true }
        return scriptScheme(text) || dataURL(text) || attributeBreakout(text) || probeCall(text)
            || cssExpression(text) || templateGadget(text)
    }

    private static let triggers: [Bool] = (0..<256).map { "<:=(`{".utf8.contains(UInt8($0)) }

    static let contentLoadingTags: Set<String> = ["iframe", "frame", "object", "embed", "applet"]

    /// Looks at every `<name ...>` in the text.
    static func tags(_ text: [UInt8]) -> Bool {
        var index = 0
        while let open = text[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open + 1
            var cursor = open + 1
            if cursor < text.count, text[cursor] == UInt8(ascii: "/") { cursor += 1 }
            let nameStart = cursor
            guard cursor < text.count, Bytes.isLetter(text[cursor]) else { continue }
            while cursor < text.count, Bytes.isWord(text[cursor]) || text[cursor] == UInt8(ascii: "-")
                || text[cursor] == UInt8(ascii: ":")
            {
                cursor += 1
            }
            let name = String(decoding: text[nameStart..<cursor], as: UTF8.self)
            let after: UInt8? = cursor < text.count ? text[cursor] : nil
            // The name must end the way a tag name does.
            guard after == nil || after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || Bytes.isSpace(after!)
            else { continue }
            // The tag ends at `>`, or where another tag starts, so every byte is looked at once.
            let limit = min(text.count, cursor + 4096)
            let end = text[cursor..<limit].firstIndex(where: { $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "<") }) ?? limit
            let attributes = Array(text[cursor..<end])
            if name == "script" || name.hasSuffix(":script") {
                if scriptIsLive(text, tagEnd: end, attributes: attributes) { return true }
                continue
            }
            if hasHandler(attributes, knownEventsOnly: false) { return true }
            if contentLoadingTags.contains(name),
                ["src", "data", "srcdoc", "code"].contains(where: { hasAttribute(attributes, $0) })
            {
                return true
            }
            if name == "base", hasAttribute(attributes, "href") { return true }
            if name == "meta", attributes.containsBytes(Bytes.of("refresh")) { return true }
            if name == "link", attributes.containsBytes(Bytes.of("import")) { return true }
        }
        return false
    }

    /// A `<script>` tag that would run something: it has attributes, a closing tag follows, or
    /// code follows it (a call, an assignment, a statement end) — unlike "the <script> tag" in prose.
    static func scriptIsLive(_ text: [UInt8], tagEnd: Int, attributes: [UInt8]) -> Bool {
        if attributes.contains(where: { !Bytes.isSpace($0) && $0 != UInt8(ascii: "/") }) { return true }
        let body = text[min(text.count, tagEnd + 1)..<min(text.count, tagEnd + 1 + 256)]
        if Array(body).containsBytes(Bytes.of("</script")) { return true }
        for (offset, byte) in zip(body.indices, body) {
            switch byte {
            case UInt8(ascii: "="), UInt8(ascii: ";"), UInt8(ascii: "`"), UInt8(ascii: "{"): return true
            case UInt8(ascii: "(") where offset > body.startIndex && Bytes.isWord(text[offset - 1]): return true
            default: continue
            }
        }
        return tagEnd >= text.count
    }

    /// An attribute `name` (preceded by whitespace, `/` or a quote) followed by `=`.
    static func hasAttribute(_ attributes: [UInt8], _ name: String) -> Bool {
        let needle = Bytes.of(name)
        for index in attributes.occurrences(of: needle) {
            guard index > 0, isAttributeStart(attributes[index - 1]) else { continue }
            var cursor = index + needle.count
            while cursor < attributes.count, Bytes.isSpace(attributes[cursor]) { cursor += 1 }
            if cursor < attributes.count, attributes[cursor] == UInt8(ascii: "=") { return true }
        }
        return false
    }

    static func isAttributeStart(_ byte: UInt8) -> Bool {
        Bytes.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// `on<event> =` after whitespace, `/` or a quote. Inside a tag any name counts; outside,
    /// only real DOM event names, so prose like "onset=3" passes.
    static func hasHandler(_ text: [UInt8], knownEventsOnly: Bool) -> Bool {
        for index in text.occurrences(of: Bytes.of("on")) {
            guard index == 0 || isAttributeStart(text[index - 1]) else { continue }
            var cursor = index + 2
            while cursor < text.count, Bytes.isLetter(text[cursor]) { cursor += 1 }
            let event = String(decoding: text[(index + 2)..<cursor], as: UTF8.self)
            guard event.utf8.count >= 3 else { continue }
            while cursor < text.count, Bytes.isSpace(text[cursor]) { cursor += 1 }
            guard cursor < text.count, text[cursor] == UInt8(ascii: "=") else { continue }
            if !knownEventsOnly || domEvents.contains(event) { return true }
        }
        return false
    }

    /// `javascript:`, `vbscript:`, `livescript:` followed by code, letters possibly split by
    /// whitespace or control characters (`java\tscript:`).
    static func scriptScheme(_ text: [UInt8]) -> Bool {
        for index in text.occurrences(of: Bytes.of("script")) {
            var colon = index + 6
            while colon < text.count, text[colon] <= 0x20 { colon += 1 }
            guard colon + 1 < text.count, text[colon] == UInt8(ascii: ":"), !Bytes.isSpace(text[colon + 1]) else {
                continue
            }
            var letters: [UInt8] = []
            var cursor = index - 1
            while cursor >= 0, letters.count < 4 {
                if text[cursor] <= 0x20 {
                    cursor -= 1
                    continue
                }
                guard Bytes.isLetter(text[cursor]) else { break }
                letters.insert(text[cursor], at: 0)
                cursor -= 1
                let word = String(decoding: letters, as: UTF8.self)
                if word == "java" || word == "vb" || word == "live" || word == "ecma" {
                    if cursor < 0 || !Bytes.isLetter(text[cursor]) { return true }
                }
            }
        }
        return false
    }

    /// `data:text/html...` or `data:image/svg+xml...` used as a URL.
    static func dataURL(_ text: [UInt8]) -> Bool {
        for index in text.occurrences(of: Bytes.of("data:")) {
            guard index == 0 || !Bytes.isLetter(text[index - 1]) else { continue }
            var cursor = index + 5
            while cursor < text.count, Bytes.isSpace(text[cursor]) { cursor += 1 }
            if text.has(Bytes.of("text/html"), at: cursor) || text.has(Bytes.of("image/svg+xml"), at: cursor)
                || text.has(Bytes.of("application/x-shockwave"), at: cursor) || text.has(Bytes.of("text/javascript"), at: cursor)
            {
                return true
            }
        }
        return false
    }

    /// `" onmouseover="...`: a value that closes an attribute and opens a handler.
    static func attributeBreakout(_ text: [UInt8]) -> Bool {
        hasHandler(text, knownEventsOnly: true)
    }

    /// `alert(1)`, `confirm(document.domain)`, `prompt\`1\``: the classic XSS probes.
    static func probeCall(_ text: [UInt8]) -> Bool {
        for name in ["alert", "confirm", "prompt"] {
            let needle = Bytes.of(name)
            for index in text.occurrences(of: needle) {
                guard index == 0 || !Bytes.isWord(text[index - 1]) && text[index - 1] != UInt8(ascii: ".") else { continue }
                var cursor = index + needle.count
                while cursor < text.count, Bytes.isSpace(text[cursor]) { cursor += 1 }
                guard cursor < text.count else { continue }
                if text[cursor] == UInt8(ascii: "`") { return true }
                guard text[cursor] == UInt8(ascii: "(") else { continue }
                cursor += 1
                while cursor < text.count, Bytes.isSpace(text[cursor]) || text[cursor] == UInt8(ascii: "'") || text[cursor] == UInt8(ascii: "\"") {
                    cursor += 1
                }
                guard cursor < text.count else { continue }
                if Bytes.isDigit(text[cursor]) || text[cursor] == UInt8(ascii: "/") { return true }
                for probe in ["document.", "window.", "string.fromcharcode", "this", "top", "self", "xss", "origin", "location"]
                where text.has(Bytes.of(probe), at: cursor) {
                    return true
                }
            }
        }
        return false
    }

    /// CSS that runs script: `expression(...)` as a property value, `-moz-binding`, `behavior: url(`.
    static func cssExpression(_ text: [UInt8]) -> Bool {
        for index in text.occurrences(of: Bytes.of("expression")) {
            var before = index - 1
            while before >= 0, Bytes.isSpace(text[before]) { before -= 1 }
            var after = index + 10
            while after < text.count, Bytes.isSpace(text[after]) { after += 1 }
            if before >= 0, text[before] == UInt8(ascii: ":"), after < text.count, text[after] == UInt8(ascii: "(") {
                return true
            }
        }
        return text.containsBytes(Bytes.of("-moz-binding")) || text.containsBytes(Bytes.of("behavior:url("))
            || text.containsBytes(Bytes.of("behavior: url("))
    }

    /// AngularJS-style template gadgets: `{{constructor.constructor('...')()}}`.
    static func templateGadget(_ text: [UInt8]) -> Bool {
        for index in text.occurrences(of: Bytes.of("{{")) {
            let window = Array(text[index..<min(text.count, index + 256)])
            if window.containsBytes(Bytes.of("constructor(")) || window.containsBytes(Bytes.of("$eval(")) { return true }
        }
        return false
    }

    static let domEvents: Set<String> = [
        "abort", "afterprint", "animationend", "animationiteration", "animationstart", "auxclick", "beforeinput",
        "beforeprint", "beforeunload", "begin", "blur", "cancel", "canplay", "canplaythrough", "change", "click",
        "close", "contextmenu", "copy", "cuechange", "cut", "dblclick", "drag", "dragend", "dragenter", "dragleave",
        "dragover", "dragstart", "drop", "durationchange", "end", "ended", "error", "focus", "focusin", "focusout",
        "formdata", "hashchange", "input", "invalid", "keydown", "keypress", "keyup", "load", "loadeddata",
        "loadedmetadata", "loadstart", "message", "mousedown", "mouseenter", "mouseleave", "mousemove", "mouseout",
        "mouseover", "mouseup", "mousewheel", "offline", "online", "pagehide", "pageshow", "paste", "pause", "play",
        "playing", "pointerdown", "pointerenter", "pointerleave", "pointermove", "pointerout", "pointerover",
        "pointerup", "popstate", "progress", "ratechange", "repeat", "reset", "resize", "scroll", "scrollend",
        "search", "seeked", "seeking", "select", "selectstart", "show", "start", "storage", "submit", "suspend",
        "timeupdate", "toggle", "touchend", "touchmove", "touchstart", "transitionend", "unload", "volumechange",
        "waiting", "wheel", "finish", "bounce", "beforetoggle", "readystatechange", "activate", "beforeactivate",
        "focusout", "webkitanimationstart", "webkittransitionend",
    ]
}
