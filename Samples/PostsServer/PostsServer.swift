import Foundation
import SampleMCP

/// `mcp-sample-posts`: a sample MCP server that keeps posts in its own SQLite file
/// (`POSTS_DB`, default /tmp/posts.sqlite), served over stdio.
@main
enum PostsServer {
    static let name = "mcp-sample-posts"

    static func main() {
        let path = ProcessInfo.processInfo.environment["POSTS_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp/posts.sqlite"
        let store: PostStore
        do {
            store = try PostStore(path: path)
        } catch {
            StdioServer.log(name, "cannot open the posts database \(path) (set POSTS_DB to a writable file): \(error)")
            exit(1)
        }
        StdioServer.log(name, "posts in \(path)")
        let session = MCPSession(
            name: name, version: "0.1.0",
            instructions: "Posts: create_post, list_posts, search_posts, get_post and delete_post.",
            tools: PostsTools.all(store))
        StdioServer.run(session, name: name)
    }
}
