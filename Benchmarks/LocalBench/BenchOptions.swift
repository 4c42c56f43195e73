import Foundation

/// What `local-bench` runs: the images, how many rounds, where mcpctl is.
struct BenchOptions {
    var rounds = 3
    var mcpctl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcpctl").path
    var prefix = ProcessInfo.processInfo.environment["MCP_IMAGE_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? "mcp-operator"
    var tag = ProcessInfo.processInfo.environment["MCP_IMAGE_TAG"].flatMap { $0.isEmpty ? nil : $0 } ?? "dev"

    var gatewayImage: String { "\(prefix)/gateway:\(tag)" }
    var postsImage: String { "\(prefix)/sample-posts:\(tag)" }
    var textImage: String { "\(prefix)/sample-text:\(tag)" }

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "-h" || flag == "--help" { throw BenchError.usage }
            guard let value = remaining.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--rounds":
                guard let number = Int(value), number > 0 else { throw BenchError("--rounds needs a positive number, not \(value)") }
                rounds = number
            case "--mcpctl": mcpctl = value
            default: throw BenchError("unknown option \(flag) (options: --rounds N, --mcpctl PATH)")
            }
        }
    }
}

/// A failure that ends the benchmark with one line.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    static let usage = BenchError("""
        usage: local-bench [--rounds N] [--mcpctl PATH]
        Needs a Docker engine (hack/docker.sh) and the images (hack/images.sh; MCP_IMAGE_TAG picks the tag).
        """)
}
