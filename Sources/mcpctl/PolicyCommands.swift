import ArgumentParser
import ControlPlaneHTTP
import Foundation
import OperatorAPI
import LocalStore
import PolicyEngine

/// `mcpctl policy`: validate a policy, push one to running gateways, show what is enforced where.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate MCP policies, push them to gateways, and show which replica enforces which version.",
        subcommands: [Validate.self, Push.self, PolicyStatusCommand.self, ClearDryRun.self]
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
            abstract: "Push a policy to gateways' admin endpoints and print the version each now runs.",
            discussion: """
                With --dry-run the document is pushed with `dryRun: true`: each gateway evaluates it beside \
                the policy it enforces, counts and audits its would-be decisions, and enforces nothing of it. \
                A later push without --dry-run replaces the enforced policy and keeps the dry run going, \
                unless it pushes the same document (which promotes it and ends the dry run); \
                `mcpctl policy clear-dry-run` ends it explicitly.
                """)

        @Option(name: .shortAndLong, help: "The policy file; - for standard input.")
        var filename: String

        @Option(name: .customLong("admin-url"), help: "A gateway's admin base URL, such as http://127.0.0.1:9090 (repeatable).")
        var adminURLs: [String]

        @Option(name: .customLong("admin-token-file"), help: "The file holding the gateways' admin token.")
        var adminTokenFile: String

        @Flag(name: .customLong("dry-run"), help: "Push the policy to be evaluated beside the enforced one, not enforced.")
        var dryRun = false

        func validate() throws {
            guard !adminURLs.isEmpty else { throw ValidationError("give at least one --admin-url") }
        }

        func run() async throws {
            var document = try readPolicy(filename)
            if dryRun { document.dryRun = true }
            let client = try GatewayAdminClient(tokenFile: adminTokenFile)
            var failures: [String] = []
            for url in adminURLs {
                do {
                    let answer = try await client.push(document, to: url)
                    let slot = answer.applied == "dryRun" ? " as dry run" : ""
                    print("pushed \(document.version)\(slot) to \(url): enforcing \(answer.enforcedSummary)")
                } catch let error as CLIError {
                    failures.append(error.description)
                }
            }
            if !failures.isEmpty { throw CLIError(failures.joined(separator: "\n")) }
        }
    }

    struct ClearDryRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear-dry-run",
            abstract: "Stop the dry-run policy on gateways; the enforced policy stays.")

        @Option(name: .customLong("admin-url"), help: "A gateway's admin base URL (repeatable).")
        var adminURLs: [String]

        @Option(name: .customLong("admin-token-file"), help: "The file holding the gateways' admin token.")
        var adminTokenFile: String

        func validate() throws {
            guard !adminURLs.isEmpty else { throw ValidationError("give at least one --admin-url") }
        }

        func run() async throws {
            let client = try GatewayAdminClient(tokenFile: adminTokenFile)
            var failures: [String] = []
            for url in adminURLs {
                do {
                    let answer = try await client.clearDryRun(at: url)
                    print("cleared the dry run at \(url): enforcing \(answer.enforcedSummary)")
                } catch let error as CLIError {
                    failures.append(error.description)
                }
            }
            if !failures.isEmpty { throw CLIError(failures.joined(separator: "\n")) }
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
    let label = file == "-" ? "standard input" : file
    let manifest: LocalManifest
    do {
        let manifests = try LocalManifest.read(text: try ManifestFiles.utf8Text(data, file: label), file: label)
        guard manifests.count == 1, let only = manifests.first else {
            throw CLIError("\(label): expected one policy, found \(manifests.count) documents")
        }
        manifest = only
    } catch let error as ManifestError {
        throw CLIError(error.description)
    }
    // An MCPPolicy, or a bare policy document; each problem at its own line and column.
    let object = manifest.kind == "MCPPolicy"
        ? " (MCPPolicy \(manifest.json[path: ["metadata", "namespace"]]?.stringValue ?? "default")/\(manifest.name.isEmpty ? "<unnamed>" : manifest.name))"
        : ""
    do {
        return try ManifestDecoder.policyDocument(json: manifest.json)
    } catch let invalid as PolicyValidationError {
        throw CLIError(invalid.issues.map { issue in
            let path = issue.path.hasPrefix(".") ? String(issue.path.dropFirst()) : issue.path
            return manifest.error(at: path.isEmpty ? nil : path, issue.message).description + object
        }.joined(separator: "\n"))
    }
}
