import SampleMCP

/// `mcp-sample-text`: a sample MCP plugin with text tools, served over stdio.
@main
enum TextPlugin {
    static func main() {
        let session = MCPSession(
            name: "mcp-sample-text", version: "0.1.0",
            instructions: "Text tools: upper, lower, reverse, slugify and word_count, each taking {\"text\": ...}.",
            tools: TextTools.all)
        StdioServer.run(session, name: "mcp-sample-text")
    }
}
