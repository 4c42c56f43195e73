import Foundation
import ProcessSpawn

/// One run of an exec credential plugin: the resolved program, its environment, and the parsing
/// of its ExecCredential answer.
struct ExecInvocation: Sendable {
    struct Result: Sendable {
        var credentials: Credentials
        var expiry: Date?
    }

    /// The most stderr quoted in an error.
    static let stderrLimit = 2048

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let apiVersion: String
    let installHint: String?

    /// The command line for messages.
    var commandLine: String {
        ([executable] + arguments).map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")
    }

    init(config: ExecConfig, baseDirectory: String, environment: [String: String], cluster: ExecClusterInfo?) throws {
        guard config.interactiveMode != .always else {
            throw CredentialError.execUnsupported(
                config.command,
                problem: "interactiveMode is Always, but this program never runs plugins interactively; "
                    + "use IfAvailable or Never")
        }
        guard ExecConfig.supportedAPIVersions.contains(config.apiVersion) else {
            throw CredentialError.execUnsupported(
                config.command, problem: "unsupported exec plugin API version \"\(config.apiVersion)\"")
        }
        executable = try Self.resolveCommand(
            config.command, baseDirectory: baseDirectory, path: environment["PATH"], installHint: config.installHint)
        arguments = config.args
        apiVersion = config.apiVersion
        installHint = config.installHint
        var environment = environment
        for variable in config.env { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = Self.execInfo(apiVersion: config.apiVersion, cluster: cluster)
        self.environment = environment
    }

    /// The ExecCredential request passed in `KUBERNETES_EXEC_INFO`.
    static func execInfo(apiVersion: String, cluster: ExecClusterInfo?) -> String {
        var spec: [String: JSONValue] = ["interactive": .bool(false)]
        if let cluster {
            var fields: [String: JSONValue] = ["server": .string(cluster.server)]
            if let name = cluster.tlsServerName { fields["tls-server-name"] = .string(name) }
            if cluster.insecureSkipTLSVerify { fields["insecure-skip-tls-verify"] = .bool(true) }
            if let data = cluster.certificateAuthorityData {
                fields["certificate-authority-data"] = .string(data.base64EncodedString())
            }
            if let config = cluster.config { fields["config"] = config }
            spec["cluster"] = .object(fields)
        }
        let request: JSONValue = .object([
            "apiVersion": .string(apiVersion), "kind": .string("ExecCredential"), "spec": .object(spec),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue of strings and Booleans cannot fail.
        return (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The absolute path of `command`: as given when absolute, against `baseDirectory` when it
    /// holds a `/`, else the first executable of that name in `path`.
    static func resolveCommand(_ command: String, baseDirectory: String, path: String?, installHint: String?) throws -> String {
        let files = FileManager.default
        if command.contains("/") {
            let resolved = KubeConfigFile.resolve(command, against: baseDirectory)
            guard files.isExecutableFile(atPath: resolved) else {
                let reason = files.fileExists(atPath: resolved) ? "\(resolved) is not executable" : "\(resolved) does not exist"
                throw CredentialError.execNotFound(command, reason: reason, installHint: installHint)
            }
            return resolved
        }
        let directories = (path ?? "").split(separator: ":", omittingEmptySubsequences: false).map { $0.isEmpty ? "." : String($0) }
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(command)
            var isDirectory: ObjCBool = false
            if files.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               files.isExecutableFile(atPath: candidate) {
                return KubeConfigFile.resolve(candidate, against: files.currentDirectoryPath)
            }
        }
        throw CredentialError.execNotFound(command, reason: "executable file not found in PATH", installHint: installHint)
    }

    /// Runs the plugin off the cooperative thread pool and parses its answer.
    func run() async throws -> Result {
        let output = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutput, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result2 { try execute() })
            }
        }
        return try parse(output)
    }

    private typealias Result2 = Swift.Result<ProcessOutput, any Error>

    struct ProcessOutput: Sendable {
        var status: Int32
        var signaled: Bool
        var stdout: Data
        var stderr: Data
    }

    /// Starts the process and blocks until it exits, draining stdout and stderr concurrently.
    private func execute() throws -> ProcessOutput {
        var attempt = 0
        var started: ChildProcess?
        while started == nil {
            do {
                started = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                           stdin: .null, stdout: .pipe, stderr: .pipe)
            } catch let error as SpawnError where error.code == ETXTBSY && attempt < 5 {
                // The program was just written and a process forked elsewhere still holds it open
                // for writing (the fork-exec race Go documents too); it clears within milliseconds.
                attempt += 1
                usleep(20_000)
            } catch let error as SpawnError {
                throw CredentialError.execNotFound(commandLine, reason: "cannot start: \(error.reason)", installHint: installHint)
            }
        }
        guard let process = started, let stdout = process.standardOutput, let stderr = process.standardError else {
            preconditionFailure("loop exits only when started, with both pipes")
        }
        let errorOutput = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            errorOutput.data = stderr.readDataToEndOfFile()
        }
        let standardOutput = stdout.readDataToEndOfFile()
        group.wait()
        let termination = process.waitUntilExit()
        let signaled = if case .signaled = termination { true } else { false }
        return ProcessOutput(status: termination.status, signaled: signaled, stdout: standardOutput, stderr: errorOutput.data)
    }

    /// Written by one reader thread, read after `DispatchGroup.wait()` orders the two.
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    func parse(_ output: ProcessOutput) throws -> Result {
        let stderr = Self.truncated(output.stderr)
        guard output.status == 0, !output.signaled else {
            let status = output.signaled ? "was killed by signal \(output.status)" : "failed with exit code \(output.status)"
            throw CredentialError.execFailed(commandLine, status: status, stderr: stderr, installHint: installHint)
        }
        func invalid(_ problem: String) -> CredentialError {
            .execInvalidOutput(commandLine, problem: problem, stderr: stderr, installHint: installHint)
        }
        let answer: ExecCredentialAnswer
        do {
            answer = try JSONDecoder().decode(ExecCredentialAnswer.self, from: output.stdout)
        } catch {
            let text = Self.truncated(output.stdout, limit: 200)
            throw invalid("output is not an ExecCredential JSON document" + (text.isEmpty ? " (it is empty)" : ": \(text)"))
        }
        guard answer.apiVersion == apiVersion else {
            throw invalid("returned apiVersion \"\(answer.apiVersion ?? "")\", but the kubeconfig asks for \"\(apiVersion)\"")
        }
        if let kind = answer.kind, kind != "ExecCredential" {
            throw invalid("returned kind \"\(kind)\", expected ExecCredential")
        }
        guard let status = answer.status else { throw invalid("output has no status") }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : Data($0.utf8) }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : Data($0.utf8) }
        guard (certificate == nil) == (key == nil) else {
            throw invalid("status has only one of clientCertificateData and clientKeyData")
        }
        guard token != nil || certificate != nil else {
            throw invalid("status has neither a token nor clientCertificateData and clientKeyData")
        }
        var expiry: Date?
        if let timestamp = status.expirationTimestamp, !timestamp.isEmpty {
            guard let date = Self.parseRFC3339(timestamp) else {
                throw invalid("status.expirationTimestamp \"\(timestamp)\" is not an RFC 3339 time")
            }
            expiry = date
        }
        return Result(credentials: Credentials(token: token, clientCertificatePEM: certificate, clientKeyPEM: key), expiry: expiry)
    }

    static func parseRFC3339(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// At most `limit` bytes of `data` as trimmed text, marked when cut.
    static func truncated(_ data: Data, limit: Int = stderrLimit) -> String {
        let text = String(decoding: data.prefix(limit), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return data.count > limit ? text + " …(truncated, \(data.count) bytes in all)" : text
    }
}

/// The parts of an ExecCredential answer this client reads.
private struct ExecCredentialAnswer: Decodable {
    struct Status: Decodable {
        var token: String?
        var clientCertificateData: String?
        var clientKeyData: String?
        var expirationTimestamp: String?
    }

    var apiVersion: String?
    var kind: String?
    var status: Status?
}
