import Testing

@testable import SampleMCP

/// The protocol core without I/O: JSON-RPC framing, version negotiation, errors and tool calls.
@Suite("MCPSession")
struct MCPSessionTests {
    static let echo = Tool(
        name: "echo", description: "Echo the text, times times.",
        parameters: [ToolParameter("text", .string, "What to echo.", maxLength: 10),
                     ToolParameter("times", .integer, "How often.", required: false, minimum: 1, maximum: 3)]) { arguments in
        let text = arguments.string("text")
        if text == "fail" { throw ToolError("cannot echo fail") }
        return ToolResult(text: String(repeating: text, count: Int(arguments.integer("times", default: 1))))
    }

    func session(initializedAt version: String? = "2025-06-18") -> MCPSession {
        var session = MCPSession(name: "test-server", version: "9.9", tools: [Self.echo])
        if let version {
            _ = session.receive(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(version)"}}"#)
        }
        return session
    }

    func reply(_ session: inout MCPSession, _ line: String) throws -> JSON {
        let text = try #require(session.receive(line).reply, "no reply to \(line)")
        #expect(!text.contains("\n"), "one message per line")
        return try JSON(parsing: text)
    }

    func errorCode(_ reply: JSON) -> Int64? { reply["error"]?["code"]?.intValue }

    @Test(arguments: ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
    func initializeAnswersASupportedVersionAsRequested(version: String) throws {
        var session = session(initializedAt: nil)
        let answer = try reply(&session, #"{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#)
        #expect(answer["id"] == "a")
        #expect(answer["result"]?["protocolVersion"] == .string(version))
        #expect(answer["result"]?["serverInfo"]?["name"] == "test-server")
        #expect(answer["result"]?["capabilities"]?["tools"] != nil)
        #expect(session.protocolVersion == version)
    }

    @Test func initializeAnswersTheLatestVersionForAnUnknownOne() throws {
        var session = session(initializedAt: nil)
        let output = session.receive(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01"}}"#)
        let answer = try JSON(parsing: try #require(output.reply))
        #expect(answer["result"]?["protocolVersion"] == .string(MCPSession.latestProtocolVersion))
        #expect(output.log.contains { $0.contains("requested protocol 1999-01-01") })
        let missing = try reply(&session, #"{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}"#)
        #expect(errorCode(missing) == -32602)
    }

    @Test func malformedMessagesGetJSONRPCErrors() throws {
        var session = session()
        let parse = try reply(&session, #"{"jsonrpc":"2.0","id":1,"#)
        #expect(errorCode(parse) == -32700)
        #expect(parse["id"] == .null)
        #expect(errorCode(try reply(&session, "[1")) == -32700)
        #expect(errorCode(try reply(&session, "42")) == -32600)
        let version = try reply(&session, #"{"jsonrpc":"1.0","id":7,"method":"ping"}"#)
        #expect(errorCode(version) == -32600)
        #expect(version["id"] == 7)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}"#)) == -32600)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":8,"method":5}"#)) == -32600)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":9}"#)) == -32600)
        let unknown = try reply(&session, #"{"jsonrpc":"2.0","id":10,"method":"resources/list"}"#)
        #expect(errorCode(unknown) == -32601)
        #expect(unknown["id"] == 10)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":11,"method":"tools/list","params":[1]}"#)) == -32602)
        // The session still works after all of that.
        #expect(try reply(&session, #"{"jsonrpc":"2.0","id":12,"method":"ping"}"#)["result"] == [:])
    }

    @Test func notificationsAndClientResponsesGetNoReply() {
        var session = session()
        #expect(session.receive(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).reply == nil)
        #expect(session.clientInitialized)
        #expect(session.receive(#"{"jsonrpc":"2.0","method":"notifications/unknown"}"#).reply == nil)
        #expect(session.receive(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#).reply == nil)
        #expect(session.receive(#"{"jsonrpc":"2.0","id":5,"result":{}}"#).reply == nil)
    }

    @Test func toolsNeedInitializeFirst() throws {
        var session = session(initializedAt: nil)
        let early = try reply(&session, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        #expect(errorCode(early) == -32600)
        #expect(early["error"]?["message"]?.stringValue?.contains("initialize") == true)
        #expect(try reply(&session, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#)["result"] == [:])
    }

    @Test func toolsListDescribesInputSchemas() throws {
        var session = session()
        let list = try reply(&session, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        let tool = try #require(list["result"]?["tools"]?.arrayValue?.first)
        #expect(tool["name"] == "echo")
        let schema = try #require(tool["inputSchema"])
        #expect(schema["type"] == "object")
        #expect(schema["required"] == ["text"])
        #expect(schema["additionalProperties"] == false)
        #expect(schema["properties"]?["times"] == ["type": "integer", "description": "How often.", "minimum": 1, "maximum": 3])
        #expect(schema["properties"]?["text"]?["maxLength"] == 10)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"x"}}"#)) == -32602)
    }

    @Test func toolCallsReturnContentAndToolErrorsAsResults() throws {
        var session = session()
        let ok = try reply(&session, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"ab","times":2}}}"#)
        #expect(ok["result"]?["isError"] == false)
        #expect(ok["result"]?["content"] == [["type": "text", "text": "abab"]])

        let failures: [(String, String)] = [
            (#"{"text":"fail"}"#, "cannot echo fail"),
            (#"{}"#, #"missing required argument "text""#),
            (#"{"text":1}"#, #"argument "text" must be a string, not integer"#),
            (#"{"text":"12345678901"}"#, #"argument "text" must have at most 10 characters (got 11)"#),
            (#"{"text":"a","times":4}"#, #"argument "times" must be at most 3 (got 4)"#),
            (#"{"text":"a","times":1.5}"#, #"argument "times" must be an integer, not number"#),
            (#"{"text":"a","colour":"red"}"#, #"unknown argument "colour" (echo takes: text, times)"#),
        ]
        for (index, (arguments, message)) in failures.enumerated() {
            let answer = try reply(&session, #"{"jsonrpc":"2.0","id":\#(index + 10),"method":"tools/call","params":{"name":"echo","arguments":\#(arguments)}}"#)
            #expect(answer["result"]?["isError"] == true, "\(arguments)")
            let text = answer["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
            #expect(text == "echo: \(message)", "\(arguments)")
        }
    }

    @Test func badToolCallParamsAreProtocolErrors() throws {
        var session = session()
        let unknown = try reply(&session, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":{}}}"#)
        #expect(errorCode(unknown) == -32602)
        #expect(unknown["error"]?["message"] == "unknown tool: nope")
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"arguments":{}}}"#)) == -32602)
        #expect(errorCode(try reply(&session, #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":"text"}}"#)) == -32602)
    }

    @Test func batchesOnlyAt20250326() throws {
        var old = session(initializedAt: "2025-03-26")
        let answers = try reply(&old, #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#)
        let replies = try #require(answers.arrayValue)
        #expect(replies.count == 2)
        #expect(replies.first?["result"] == [:])
        #expect(errorCode(replies[1]) == -32601)
        #expect(errorCode(try reply(&old, "[]")) == -32600)

        var current = session(initializedAt: "2025-06-18")
        #expect(errorCode(try reply(&current, #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#)) == -32600)
    }
}
