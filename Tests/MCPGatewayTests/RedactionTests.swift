import Testing

@testable import MCPGateway

@Suite("Output redaction")
struct RedactionTests {
    @Test func onlyReadableTextOfAToolResultIsRedacted() throws {
        let result = try JSONValue(parsing: #"""
        {"content": [
            {"type": "text", "text": "key=AKIA123"},
            {"type": "image", "data": "QUtJQTEyMw==AKIA123", "mimeType": "image/png"},
            {"type": "resource", "resource": {"uri": "file:///AKIA123", "text": "AKIA123 inside", "mimeType": "text/plain"}},
            {"type": "resource", "resource": {"uri": "file:///b", "blob": "AKIA123AAAA"}},
            {"type": "resource_link", "uri": "file:///AKIA123", "name": "AKIA123.txt", "description": "has AKIA123"}
         ],
         "structuredContent": {"key": "AKIA123", "nested": ["AKIA123"]},
         "isError": false}
        """#)
        let redacted = result.mapToolResultText { $0.replacingOccurrences(of: "AKIA123", with: "[REDACTED]") }
        let content = redacted["content"]?.arrayValue ?? []
        #expect(content[0]["text"] == "key=[REDACTED]")
        #expect(content[1]["data"] == "QUtJQTEyMw==AKIA123", "base64 data is left whole")
        #expect(content[2]["resource"]?["text"] == "[REDACTED] inside")
        #expect(content[2]["resource"]?["uri"] == "file:///AKIA123")
        #expect(content[3]["resource"]?["blob"] == "AKIA123AAAA")
        #expect(content[4]["name"] == "[REDACTED].txt")
        #expect(content[4]["description"] == "has [REDACTED]")
        #expect(redacted["structuredContent"]?["key"] == "[REDACTED]")
        #expect(redacted["structuredContent"]?["nested"]?.arrayValue?.first == "[REDACTED]")
        #expect(redacted["isError"] == false)
    }
}
