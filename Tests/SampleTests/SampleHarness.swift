import Foundation
import SampleMCP
import TestSupport

/// Runs the sample executables the package built, as an MCP client would: as processes speaking
/// newline-delimited JSON-RPC on stdio.
enum SampleHarness {
    /// The folder holding the built products (the test bundle sits beside them).
    static var binDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The path of a built sample executable; fails with the command that builds it when missing.
    static func executable(_ product: String) throws -> String {
        let path = binDirectory + "/" + product
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SampleTestFailure("\(path) is missing: run `swift build --product \(product)` first")
        }
        return path
    }

    /// What one run of a server printed.
    struct Exchange: Sendable {
        var replies: [JSON]
        var stderr: String
        var status: Int32
    }

    /// Starts `product`, writes `lines` to its stdin, closes it, and collects every reply line.
    static func exchange(_ product: String, _ lines: [String], environment: [String: String] = [:]) async throws -> Exchange {
        try await exchange(path: try executable(product), arguments: [], lines, environment: environment)
    }

    /// Starts `path` with `arguments`, writes `lines` to its stdin, closes it, and collects every
    /// reply line (a `docker run -i` of an image, for instance).
    static func exchange(path: String, arguments: [String], _ lines: [String], environment: [String: String] = [:]) async throws -> Exchange {
        try await onDedicatedThread {
            let errorFile = NSTemporaryDirectory() + "sample-stderr-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: errorFile) }
            let process = try ChildProcess(executable: path, arguments: arguments,
                                           environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                                           stdin: .pipe, stdout: .pipe, stderr: .file(errorFile))
            guard let input = process.standardInput, let output = process.standardOutput else { preconditionFailure("pipes") }
            try? input.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
            try input.close()
            let data = output.readDataToEndOfFile()
            let termination = process.waitUntilExit()
            let stderr = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
            let replies = try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
                do { return try JSON(parsing: String(line)) } catch {
                    throw SampleTestFailure("\(path) printed a line that is not JSON: \(line); stderr: \(stderr)")
                }
            }
            return Exchange(replies: replies, stderr: stderr, status: termination.status)
        }
    }

    /// An `initialize` request line.
    static func initialize(id: Int = 1, version: String = "2025-06-18") -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"sample-tests","version":"1"}}}"#
    }

    static let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#

    /// A `tools/call` request line.
    static func call(id: Int, _ tool: String, _ arguments: JSON) -> String {
        JSON.object(["jsonrpc": "2.0", "id": .int(Int64(id)), "method": "tools/call",
                     "params": ["name": .string(tool), "arguments": arguments]]).serialized
    }

    /// The reply with `id` among `replies`.
    static func reply(_ id: Int, in replies: [JSON]) -> JSON? {
        replies.first { $0["id"] == .int(Int64(id)) }
    }

    /// Runs a Python fixture and parses the JSON line it prints last.
    static func runPython(_ script: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> JSON {
        do {
            try await runCommandAsync("/usr/bin/env", ["python3", "-c", "import mcp; from mcp import Client, StdioServerParameters"])
        } catch {
            throw SampleTestFailure("the Python MCP SDK is missing; run hack/setup.sh (\(error))")
        }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let output = try await runCommandAsync("/usr/bin/env", assignments + ["python3", "\(fixtures)/\(script)"] + arguments)
        guard let line = output.split(separator: "\n").last, let json = try? JSON(parsing: String(line)) else {
            throw SampleTestFailure("\(script) printed no JSON: \(output)")
        }
        return json
    }
}

/// A precondition of a test that does not hold (a missing build product or tool).
struct SampleTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
