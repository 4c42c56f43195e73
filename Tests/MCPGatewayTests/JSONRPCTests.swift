import Testing

@testable import MCPGateway

@Suite("JSON-RPC core")
struct JSONRPCTests {
    @Test func malformedJSONIsAParseError() {
        guard case .failure(let error) = JSONRPCPayload.decode(Array("{\"jsonrpc\": \"2.0\", ".utf8)) else {
            Issue.record("expected a parse error")
            return
        }
        #expect(error.code == -32700)
    }

    @Test func nonObjectsAndWrongVersionsAreInvalidRequests() throws {
        for text in ["42", "\"x\"", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1}",
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}", "[]"] {
            let payload = try JSONRPCPayload.decode(Array(text.utf8)).get()
            guard case .single(.failure(let invalid)) = payload else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(invalid.error.code == -32600, "\(text)")
        }
    }

    @Test func invalidRequestKeepsAReadableID() throws {
        let payload = try JSONRPCPayload.decode(Array("{\"jsonrpc\":\"1.0\",\"id\":\"abc\",\"method\":\"ping\"}".utf8)).get()
        guard case .single(.failure(let invalid)) = payload else { Issue.record("accepted"); return }
        #expect(invalid.id == .string("abc"))
        #expect(invalid.response.json["id"] == .string("abc"))
    }

    @Test func classifiesRequestsNotificationsAndResponses() throws {
        #expect(try JSONRPCMessage(json: JSONValue(parsing: "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}"))
            == .request(id: .int(7), method: "tools/list", params: nil))
        #expect(try JSONRPCMessage(json: JSONValue(parsing: "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
            == .notification(method: "notifications/initialized", params: nil))
        #expect(try JSONRPCMessage(json: JSONValue(parsing: "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}"))
            == .response(id: .string("x"), result: [:]))
        let error = try JSONRPCMessage(json: JSONValue(parsing: "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"bad\"}}"))
        #expect(error == .errorResponse(id: nil, error: JSONRPCError(code: -32600, message: "bad")))
    }

    @Test func batchesAreCheckedElementByElement() throws {
        let text = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}, 5, {\"jsonrpc\":\"2.0\",\"method\":\"n\"}]"
        let payload = try JSONRPCPayload.decode(Array(text.utf8)).get()
        #expect(payload.isBatch)
        #expect(payload.elements.count == 3)
        if case .failure(let invalid) = payload.elements[1] { #expect(invalid.error.code == -32600) } else { Issue.record("5 accepted") }
    }

    @Test func batchesOnlyIn20250326() {
        #expect(MCPProtocolVersions.allowsBatches("2025-03-26"))
        #expect(!MCPProtocolVersions.allowsBatches("2025-06-18"))
        #expect(MCPProtocolVersions.negotiate("1999-01-01") == MCPProtocolVersions.latest)
        #expect(MCPProtocolVersions.latest == MCPProtocolVersions.supported.first, "an unknown version gets the newest supported")
        #expect(MCPProtocolVersions.negotiate("2025-03-26") == "2025-03-26")
    }

    @Test func valuesRoundTripExactly() throws {
        let text = "{\"big\":9007199254740993,\"neg\":-12,\"pi\":3.25,\"s\":\"a\\\"b\\n\\u00e9\\ud83d\\ude00\",\"arr\":[true,false,null]}"
        let value = try JSONValue(parsing: text)
        #expect(value["big"] == .int(9_007_199_254_740_993))
        #expect(value["s"] == .string("a\"b\né😀"))
        #expect(try JSONValue(parsing: value.renderedString) == value)
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }

    @Test func garbageNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\":,0123456789-.eEtrufalsn \\u".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            _ = JSONRPCPayload.decode(bytes)
        }
        _ = JSONRPCPayload.decode([0xFF, 0xFE, 0x22])
    }

    @Test func remapperAssignsUniqueIDsAndMapsBack() {
        var remapper = IDRemapper<String>()
        let first = remapper.assign(original: .string("client-1"), context: "a")
        let second = remapper.assign(original: .int(1), context: "b")
        #expect(first != second)
        #expect(remapper.assignedID(forOriginal: .int(1)) == second)
        let resolved = remapper.resolve(second)
        #expect(resolved?.original == .int(1))
        #expect(resolved?.context == "b")
        #expect(remapper.resolve(second) == nil, "an answer is resolved once")
        #expect(remapper.resolve(.string("forged")) == nil)
        #expect(remapper.drain().map(\.context) == ["a"])
        #expect(remapper.pendingCount == 0)
    }

    @Test func toolRoutingByPrefix() {
        let routing = ToolRouting(pluginNames: ["calc", "web-search"])
        #expect(routing.route("calc__add") == ("calc", "add"))
        #expect(routing.route("web-search__find__deep") == ("web-search", "find__deep"))
        #expect(routing.route("get_time") == (nil, "get_time"))
        #expect(routing.route("other__tool") == (nil, "other__tool"))
        #expect(routing.exposedName(plugin: "calc", tool: "add") == "calc__add")
        // A plugin name ending in "_" and one that is a prefix of another.
        let underscored = ToolRouting(pluginNames: ["a", "a_"])
        #expect(underscored.route(underscored.exposedName(plugin: "a_", tool: "t")) == ("a_", "t"))
        #expect(underscored.route(underscored.exposedName(plugin: "a", tool: "_t")) == ("a_", "t"),
                "a___t is ambiguous; the longer plugin name wins")
        #expect(underscored.route("a__t") == ("a", "t"))
    }

    @Test func sseParserHandlesSplitsAndLineEndings() {
        var parser = SSEParser()
        var events = parser.feed(Array("event: endpoint\r\ndata: /messages?sessionId=1\r\n\r\n: comment\n\ndata: {\"a\":".utf8))
        events += parser.feed(Array("1}\ndata: x\n\n".utf8))
        #expect(events == [SSEEvent(event: "endpoint", data: "/messages?sessionId=1"), SSEEvent(data: "{\"a\":1}\nx")])
    }
}
