import ArgumentParser
import ControlPlaneHTTP
import Foundation
import OperatorAPI
import PolicyEngine

/// `mcpctl policy`: validate a policy, or push one to a running gateway.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate MCP policies and push them to gateways.",
        subcommands: [Validate.self, Push.self]
    )

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file (an MCPPolicy or a bare document, YAML or JSON) and print its version.")

        @Option(name: .shortAndLong, help: "The policy file; - for standard input.")
        var filename: String

        func run() async throws {
            let document = try readPolicy(filename)
            print("\(filename): valid, version \(document.version)")
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push a policy to a gateway's admin endpoint and print the version it now enforces.")

        @Option(name: .shortAndLong, help: "The policy file; - for standard input.")
        var filename: String

        @Option(name: .customLong("admin-url"), help: "The gateway's admin base URL, such as http://127.0.0.1:9090.")
        var adminURL: String

        @Option(name: .customLong("admin-token-file"), help: "The file holding the gateway's admin token.")
        var adminTokenFile: String

        func run() async throws {
            let document = try readPolicy(filename)
            let token = try String(contentsOfFile: adminTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let canonical = document.canonicalJSON()
            let version = document.version
            var body = Data("{\"document\":".utf8)
            body.append(canonical)
            body.append(Data(",\"version\":\"\(version)\",\"sha256\":\"\(version.dropFirst("sha256:".count))\"}".utf8))
            var headers = HTTPHeaders()
            headers.add("Authorization", "Bearer \(token)")
            headers.add("Content-Type", "application/json")
            let url = adminURL.hasSuffix("/") ? adminURL + "admin/policy" : adminURL + "/admin/policy"
            let response = try await HTTPTransport().send(HTTPRequest(method: "PUT", url: url, headers: headers, body: body,
                                                                      timeout: .seconds(10)))
            let answer = String(decoding: response.body, as: UTF8.self)
            guard response.status == 200 else {
                throw CLIError("the gateway at \(adminURL) refused the policy (\(response.status)): \(answer)")
            }
            print("pushed \(version) to \(adminURL): \(answer)")
        }
    }
}

/// Reads and validates a policy file, turning every problem into one clear line.
func readPolicy(_ file: String) throws -> PolicyDocument {
    let data: Data
    if file == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: file) else {
            throw CLIError("\(file): no such file or not readable")
        }
        data = contents
    }
    do {
        return try ManifestDecoder.policyDocument(in: String(decoding: data, as: UTF8.self), file: file)
    } catch let error as ManifestError {
        throw CLIError(error.description)
    }
}
