#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an `MCPSession` over MCP's stdio transport: newline-delimited JSON-RPC on stdin and
/// stdout, the log on stderr. Returns when stdin closes (the client went away).
public enum StdioServer {
    /// Serves `session` until end of input.
    public static func run(_ session: MCPSession, name: String) {
        var session = session
        signal(SIGPIPE, SIG_IGN)
        log(name, "ready on stdio (protocols \(MCPSession.supportedProtocolVersions.joined(separator: ", ")))")
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy(\.isWhitespace) { continue }
            let output = session.receive(line)
            for entry in output.log { log(name, entry) }
            if let reply = output.reply { writeAll(reply + "\n", to: STDOUT_FILENO) }
        }
        log(name, "stdin closed; exiting")
    }

    /// Writes one log line to stderr.
    public static func log(_ name: String, _ message: String) {
        writeAll("\(name): \(message)\n", to: STDERR_FILENO)
    }

    /// Writes every byte of `text` to `descriptor`, retrying short writes and interruptions.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // the reader went away; stdin's end will end the loop
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
