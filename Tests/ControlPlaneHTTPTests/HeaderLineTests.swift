import ControlPlaneHTTP
import Testing

@Suite struct HeaderLineTests {
    private func classify(_ bytes: [UInt8]) -> HeaderLine {
        bytes.withUnsafeBytes { HeaderLine($0) }
    }

    private func classify(_ text: String) -> HeaderLine { classify(Array(text.utf8)) }

    @Test func statusLinesAndTheBlankLineEndingTheHead() {
        #expect(classify("HTTP/1.1 200 OK\r\n") == .statusLine)
        #expect(classify("HTTP/2 404\r\n") == .statusLine)
        #expect(classify("\r\n") == .end)
        #expect(classify("\n") == .end)
        #expect(classify("") == .end)
    }

    @Test func fieldsAreTrimmedOfSpacesTabsAndTheLineEnd() {
        #expect(classify("Content-Type: application/json\r\n") == .field(name: "Content-Type", value: "application/json"))
        #expect(classify("Mcp-Session-Id:\t abc \t\r\n") == .field(name: "Mcp-Session-Id", value: "abc"))
        #expect(classify("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(classify("Location: http://host:8080/a?b=c\r\n") == .field(name: "Location", value: "http://host:8080/a?b=c"),
                "only the first colon separates the name")
        #expect(classify("  folded continuation\r\n") == .other)
    }

    @Test func valuesAreUTF8OrElseLatin1() {
        #expect(classify("X-Name: caf\u{e9}\r\n") == .field(name: "X-Name", value: "caf\u{e9}"))
        // 0xE9 alone is not UTF-8: read as Latin-1, one character per byte.
        #expect(classify(Array("X-Name: caf".utf8) + [0xE9, 0x0D, 0x0A]) == .field(name: "X-Name", value: "caf\u{e9}"))
    }
}
