import Foundation
import SampleMCP
import Testing
import TestSupport

/// The built sample executables driven over stdio with raw JSON-RPC lines.
@Suite("sample servers over stdio")
struct SampleProcessTests {
    typealias H = SampleHarness

    func text(_ reply: JSON?) -> String? { reply?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue }
    func isError(_ reply: JSON?) -> Bool? { reply?["result"]?["isError"]?.boolValue }

    @Test func textPluginToolsTransformText() async throws {
        let run = try await H.exchange("mcp-sample-text", [
            H.initialize(), H.initialized,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            H.call(id: 3, "upper", ["text": "Hello, plugin"]),
            H.call(id: 4, "lower", ["text": "Hello, PLUGIN"]),
            H.call(id: 5, "reverse", ["text": "abc déf"]),
            H.call(id: 6, "slugify", ["text": "  Hello, MCP World!! 2026 "]),
            H.call(id: 7, "word_count", ["text": " one\ttwo\n three  "]),
            H.call(id: 8, "slugify", ["text": "--- !!! ---"]),
        ])
        #expect(run.status == 0)
        #expect(H.reply(1, in: run.replies)?["result"]?["protocolVersion"] == "2025-06-18")
        let tools = H.reply(2, in: run.replies)?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(tools == ["upper", "lower", "reverse", "slugify", "word_count"])
        #expect(text(H.reply(3, in: run.replies)) == "HELLO, PLUGIN")
        #expect(text(H.reply(4, in: run.replies)) == "hello, plugin")
        #expect(text(H.reply(5, in: run.replies)) == "féd cba")
        #expect(text(H.reply(6, in: run.replies)) == "hello-mcp-world-2026")
        #expect(text(H.reply(7, in: run.replies)) == "3")
        #expect(H.reply(7, in: run.replies)?["result"]?["structuredContent"] == ["words": 3])
        #expect(text(H.reply(8, in: run.replies)) == "")
        #expect(run.stderr.contains("mcp-sample-text: initialize from sample-tests"), "logs go to stderr: \(run.stderr)")
    }

    @Test func textPluginAnswersBadInputAndKeepsServing() async throws {
        let long = String(repeating: "x", count: 100_001)
        let run = try await H.exchange("mcp-sample-text", [
            H.initialize(id: 1, version: "2024-11-05"),
            "this is not json",
            H.call(id: 2, "upper", ["text": 5]),
            H.call(id: 3, "upper", [:]),
            H.call(id: 4, "upper", ["text": .string(long)]),
            H.call(id: 5, "shout", ["text": "x"]),
            #"{"jsonrpc":"2.0","id":6,"method":"prompts/list"}"#,
            H.call(id: 7, "upper", ["text": "still here"]),
        ])
        #expect(run.status == 0)
        #expect(H.reply(1, in: run.replies)?["result"]?["protocolVersion"] == "2024-11-05")
        #expect(run.replies.contains { $0["error"]?["code"] == -32700 && $0["id"] == .null })
        #expect(isError(H.reply(2, in: run.replies)) == true)
        #expect(text(H.reply(2, in: run.replies)) == #"upper: argument "text" must be a string, not integer"#)
        #expect(text(H.reply(3, in: run.replies)) == #"upper: missing required argument "text""#)
        #expect(text(H.reply(4, in: run.replies)) == #"upper: argument "text" must have at most 100000 characters (got 100001)"#)
        #expect(H.reply(5, in: run.replies)?["error"]?["code"] == -32602)
        #expect(H.reply(6, in: run.replies)?["error"]?["code"] == -32601)
        #expect(text(H.reply(7, in: run.replies)) == "STILL HERE")
    }

    @Test func postsServerKeepsPostsInItsDatabaseFile() async throws {
        let directory = try makeTemporaryDirectory(prefix: "sample-posts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["POSTS_DB": directory + "/posts.sqlite"]
        let first = try await H.exchange("mcp-sample-posts", [
            H.initialize(), H.initialized,
            H.call(id: 2, "create_post", ["title": "Swift on servers", "body": "100% async", "tags": ["swift", "server"]]),
            H.call(id: 3, "create_post", ["title": "A_B", "body": "plain", "tags": ["misc"]]),
            H.call(id: 4, "create_post", ["title": "Third", "body": "AB testing"]),
        ], environment: environment)
        #expect(first.status == 0)
        #expect(H.reply(2, in: first.replies)?["result"]?["structuredContent"]?["post"]?["id"] == 1)
        #expect(H.reply(4, in: first.replies)?["result"]?["structuredContent"]?["post"]?["tags"] == [])

        // A second process finds what the first wrote.
        let second = try await H.exchange("mcp-sample-posts", [
            H.initialize(),
            H.call(id: 2, "get_post", ["id": 1]),
            H.call(id: 3, "search_posts", ["query": "100%"]),
            H.call(id: 4, "search_posts", ["query": "a_b"]),
            H.call(id: 5, "list_posts", ["limit": 2]),
            H.call(id: 6, "list_posts", ["offset": 2]),
            H.call(id: 7, "list_posts", ["tag": "swift"]),
            H.call(id: 8, "delete_post", ["id": 2]),
            H.call(id: 9, "get_post", ["id": 2]),
            H.call(id: 10, "delete_post", ["id": 2]),
            H.call(id: 11, "list_posts", [:]),
        ], environment: environment)
        func ids(_ id: Int) -> [Int64]? {
            H.reply(id, in: second.replies)?["result"]?["structuredContent"]?["posts"]?.arrayValue?.compactMap { $0["id"]?.intValue }
        }
        let post = H.reply(2, in: second.replies)?["result"]?["structuredContent"]?["post"]
        #expect(post?["title"] == "Swift on servers")
        #expect(post?["tags"] == ["swift", "server"])
        #expect(post?["createdAt"]?.stringValue?.hasSuffix("Z") == true)
        #expect(ids(3) == [1], "% is matched literally")
        #expect(ids(4) == [2], "_ is matched literally, case-insensitively")
        #expect(ids(5) == [3, 2], "newest first, a page of two")
        #expect(H.reply(5, in: second.replies)?["result"]?["structuredContent"]?["total"] == 3)
        #expect(ids(6) == [1])
        #expect(ids(7) == [1])
        #expect(H.reply(8, in: second.replies)?["result"]?["structuredContent"] == ["deleted": 2])
        #expect(isError(H.reply(9, in: second.replies)) == true)
        #expect(text(H.reply(10, in: second.replies)) == "delete_post: no post with id 2; list_posts shows the ids that exist")
        #expect(ids(11) == [3, 1])
        #expect(second.stderr.contains("posts in \(directory)/posts.sqlite"))
    }

    @Test func postsServerRejectsBadArguments() async throws {
        let directory = try makeTemporaryDirectory(prefix: "sample-posts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try await H.exchange("mcp-sample-posts", [
            H.initialize(),
            H.call(id: 2, "create_post", ["title": "", "body": "x"]),
            H.call(id: 3, "create_post", ["title": "t", "body": "x", "tags": ["ok", 3]]),
            H.call(id: 4, "list_posts", ["limit": 101]),
            H.call(id: 5, "get_post", ["id": "1"]),
            H.call(id: 6, "search_posts", ["query": "x", "order": "asc"]),
        ], environment: ["POSTS_DB": directory + "/posts.sqlite"])
        #expect(text(H.reply(2, in: run.replies)) == #"create_post: argument "title" must have at least 1 character"#)
        #expect(text(H.reply(3, in: run.replies)) == #"create_post: argument "tags"[1] must be a string, not integer"#)
        #expect(text(H.reply(4, in: run.replies)) == #"list_posts: argument "limit" must be at most 100 (got 101)"#)
        #expect(text(H.reply(5, in: run.replies)) == #"get_post: argument "id" must be an integer, not string"#)
        #expect(text(H.reply(6, in: run.replies)) == #"search_posts: unknown argument "order" (search_posts takes: query, limit)"#)
        for id in 2...6 { #expect(isError(H.reply(id, in: run.replies)) == true) }
    }

    @Test func postsServerExplainsAnUnusableDatabasePath() async throws {
        let run = try await H.exchange("mcp-sample-posts", [H.initialize()], environment: ["POSTS_DB": "/nonexistent-dir/posts.sqlite"])
        #expect(run.status == 1)
        #expect(run.replies.isEmpty)
        #expect(run.stderr.contains("cannot open the posts database /nonexistent-dir/posts.sqlite (set POSTS_DB to a writable file)"), "\(run.stderr)")
    }
}
