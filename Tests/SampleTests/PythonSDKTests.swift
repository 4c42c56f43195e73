import Foundation
import SampleMCP
import Testing
import TestSupport

/// The official MCP Python SDK as the client of the built samples over stdio.
@Suite("sample servers with the MCP Python SDK", .serialized)
struct PythonSDKTests {
    func call(_ report: JSON, _ name: String) -> JSON? { report["calls"]?[name] }

    @Test(arguments: ["auto", "legacy"])
    func textPluginListsAndCallsTools(mode: String) async throws {
        let executable = try SampleHarness.executable("mcp-sample-text")
        let report = try await SampleHarness.runPython("sdk_client_check.py", [mode, "text", executable])
        #expect(report["server"] == "mcp-sample-text")
        #expect(report["protocol"] == .string(MCPSession.latestProtocolVersion), "the SDK offers the newest handshake version")
        #expect(report["tools"] == ["lower", "reverse", "slugify", "upper", "word_count"])
        #expect(report["schemas"]?["upper"]?["required"] == ["text"])
        #expect(call(report, "upper")?["text"] == "HELLO PLUGIN")
        #expect(call(report, "slugify")?["text"] == "hello-mcp-world")
        #expect(call(report, "word_count")?["structured"] == ["words": 3])
        #expect(call(report, "wrong_type")?["is_error"] == true)
        #expect(call(report, "wrong_type")?["text"] == #"upper: argument "text" must be a string, not integer"#)
        #expect(call(report, "missing")?["text"] == #"reverse: missing required argument "text""#)
        #expect(call(report, "unknown_tool")?["error_code"] == -32602, "\(report)")
    }

    @Test(arguments: ["auto", "legacy"])
    func postsServerCreatesSearchesAndDeletes(mode: String) async throws {
        let executable = try SampleHarness.executable("mcp-sample-posts")
        let directory = try makeTemporaryDirectory(prefix: "sample-posts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try await SampleHarness.runPython("sdk_client_check.py", [mode, "posts", executable],
                                                       environment: ["POSTS_DB": directory + "/posts.sqlite"])
        #expect(report["tools"] == ["create_post", "delete_post", "get_post", "list_posts", "search_posts"])
        #expect(report["schemas"]?["create_post"]?["required"] == ["title", "body"])
        #expect(call(report, "create")?["structured"]?["post"]?["id"] == 1)
        #expect(call(report, "search")?["structured"]?["posts"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["Swift on servers"])
        #expect(call(report, "list")?["structured"]?["total"] == 2)
        #expect(call(report, "get_missing")?["is_error"] == true)
        #expect(call(report, "bad_limit")?["text"] == #"list_posts: argument "limit" must be at least 1 (got 0)"#)
        #expect(call(report, "unknown_argument")?["is_error"] == true)
        #expect(call(report, "delete")?["structured"] == ["deleted": 1])
        #expect(call(report, "list_after")?["structured"]?["posts"]?.arrayValue?.compactMap { $0["id"]?.intValue } == [2])
    }
}
