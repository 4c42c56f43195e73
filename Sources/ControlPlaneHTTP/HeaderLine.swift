/// One line of a response head as libcurl hands it over (with its CR LF), classified without
/// Foundation: a status line, the blank line that ends the head, a `name: value` field (both
/// trimmed of spaces and tabs), or something else (ignored).
public enum HeaderLine: Equatable, Sendable {
    case statusLine
    case end
    case field(name: String, value: String)
    case other

    /// Classifies `bytes`, one line of a response head.
    public init(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        var end = bytes.count
        while start < end, Self.isWhitespace(bytes[start]) { start += 1 }
        while end > start, Self.isWhitespace(bytes[end - 1]) { end -= 1 }
        guard start < end else {
            self = .end
            return
        }
        let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        if line.starts(with: Self.httpPrefix) {
            self = .statusLine
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            self = .other
            return
        }
        var valueStart = colon + 1
        while valueStart < line.count, Self.isWhitespace(line[valueStart]) { valueStart += 1 }
        self = .field(name: Self.text(UnsafeRawBufferPointer(rebasing: line[..<colon])),
                      value: Self.text(UnsafeRawBufferPointer(rebasing: line[valueStart...])))
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    /// Space, tab, CR and LF: what surrounds a line and its value (RFC 9110's OWS plus the line end).
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// UTF-8 text, or Latin-1 (one character per byte) when the bytes are not UTF-8, as older
    /// servers send.
    private static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
