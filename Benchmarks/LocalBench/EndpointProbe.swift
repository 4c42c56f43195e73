import Foundation

/// An MCP client small enough to poll with: a new Streamable HTTP session on `endpoint`
/// (initialize, initialized) and one `tools/call`, through curl.
struct EndpointProbe {
    let endpoint: String

    /// Whether `tool` answered a call with a result that is not an error.
    func callSucceeds(_ tool: String, arguments: String = #"{"text":"probe"}"#) -> Bool {
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"local-bench","version":"1"}}}"#
        guard let answer = post(initialize, session: nil),
              let session = answer.headers.first(where: { $0.lowercased().hasPrefix("mcp-session-id:") })?
                  .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) else { return false }
        _ = post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
        let call = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
        guard let result = post(call, session: session) else { return false }
        return result.body.contains(#""result""#) && !result.body.contains(#""isError":true"#)
    }

    private func post(_ body: String, session: String?) -> (headers: [String], body: String)? {
        var arguments = ["curl", "-s", "--max-time", "5", "-D", "-", "-X", "POST", endpoint,
                         "-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream",
                         "-H", "MCP-Protocol-Version: 2025-06-18", "--data-binary", body]
        if let session { arguments += ["-H", "Mcp-Session-Id: \(session)"] }
        guard let output = try? Shell.run(arguments) else { return nil }
        let parts = output.components(separatedBy: "\r\n\r\n")
        guard let head = parts.first, head.hasPrefix("HTTP/1.1 2") || head.hasPrefix("HTTP/2 2") else { return nil }
        return (head.components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
