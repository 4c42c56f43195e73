import ArgumentParser
import Foundation
import KubeClient
import OperatorAPI

/// `mcpctl policy status`: which policy version each replica enforces — from the cluster's
/// status (`MCPServer.status.policy`, `MCPPolicy.status`), or straight from gateways' admin
/// endpoints.
struct PolicyStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the policy version each server replica enforces.",
        discussion: """
            Cluster mode (the default) reads MCPServers and MCPPolicies through the Kubernetes API, \
            with kubectl's --kubeconfig, --context and --namespace, and prints per server the desired \
            version, how many replicas acknowledged it, and each replica's version, acknowledgement time \
            and last error. Gateway mode (--admin-url, repeatable, with --admin-token-file) asks each \
            gateway what it enforces. The exit status is 1 when a gateway cannot be read.
            """)

    @Argument(help: "MCPServer names to show (default: all in the namespace).")
    var servers: [String] = []

    @Option(help: "The kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: .shortAndLong, help: "The namespace (default: the context's).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Servers and policies of every namespace.")
    var allNamespaces = false

    @Option(name: .customLong("admin-url"), help: "Ask this gateway's admin endpoint instead of the cluster (repeatable).")
    var adminURLs: [String] = []

    @Option(name: .customLong("admin-token-file"), help: "The file holding the gateways' admin token (with --admin-url).")
    var adminTokenFile: String?

    func validate() throws {
        if !adminURLs.isEmpty, adminTokenFile == nil { throw ValidationError("--admin-url needs --admin-token-file") }
        if adminURLs.isEmpty, adminTokenFile != nil { throw ValidationError("--admin-token-file is used with --admin-url") }
    }

    func run() async throws {
        if adminURLs.isEmpty {
            try await runAgainstCluster()
        } else {
            try await runAgainstGateways(tokenFile: adminTokenFile!)
        }
    }

    // MARK: Gateways

    private func runAgainstGateways(tokenFile: String) async throws {
        let client = try GatewayAdminClient(tokenFile: tokenFile)
        let now = Date()
        var rows: [[String]] = []
        var failed = 0
        for url in adminURLs {
            do {
                let view = try await client.policy(at: url)
                let enforced = view.enforcing == false ? "-" : shortVersion(view.version)
                let since = view.enforcing == false ? "-" : age(view.appliedAt, now: now)
                rows.append([url, enforced, since, shortVersion(view.dryRun?.version), ""])
            } catch let error as CLIError {
                failed += 1
                rows.append([url, "-", "-", "-", error.description.replacingOccurrences(of: "\(url): ", with: "")])
            }
        }
        print(formatTable(["GATEWAY", "ENFORCES", "SINCE", "DRY RUN", "ERROR"], rows))
        if failed > 0 { throw CLIError("\(failed) of \(adminURLs.count) gateways could not be read") }
    }

    // MARK: Cluster

    private func runAgainstCluster() async throws {
        let configuration: ClientConfiguration
        do {
            configuration = try KubeConfigLoader.load(KubeConfigLoader.Options(explicitPath: kubeconfig, context: context))
        } catch {
            throw CLIError("\(error)")
        }
        let client = KubernetesClient(configuration: configuration, userAgent: "mcpctl", retryPolicy: RetryPolicy(maxAttempts: 2))
        let namespace = self.namespace ?? client.defaultNamespace
        let serverList: [ServerPolicyView]
        let policyList: [PolicyStatusView]
        do {
            serverList = try await client.listAll(MCPServer.resourceType, namespace: namespace, allNamespaces: allNamespaces,
                                                  as: ServerPolicyView.self).items
            policyList = try await client.listAll(MCPPolicy.resourceType, namespace: namespace, allNamespaces: allNamespaces,
                                                  as: PolicyStatusView.self).items
        } catch let error as KubernetesError {
            throw CLIError("reading MCPServers and MCPPolicies at \(configuration.server) failed: \(error.code) \(error.reason): \(error.message)")
        } catch {
            throw CLIError("reading MCPServers and MCPPolicies at \(configuration.server) failed: \(error)")
        }
        let wanted = Set(servers)
        let shown = serverList.filter { wanted.isEmpty || wanted.contains($0.metadata.name ?? "") }
            .sorted { ($0.metadata.namespace ?? "", $0.metadata.name ?? "") < ($1.metadata.namespace ?? "", $1.metadata.name ?? "") }
        for name in wanted.subtracting(shown.compactMap(\.metadata.name)).sorted() {
            throw CLIError("MCPServer \(namespace)/\(name) not found")
        }
        print(PolicyStatusReport.render(servers: shown, policies: wanted.isEmpty ? policyList : [], now: Date()))
    }
}

/// The cluster report as text.
enum PolicyStatusReport {
    static func render(servers: [ServerPolicyView], policies: [PolicyStatusView], now: Date) -> String {
        var sections: [String] = []
        if servers.isEmpty { sections.append("No MCPServers found.") }
        for server in servers {
            let policy = server.status?.policy
            let replicas = policy?.replicas ?? []
            let desired = policy?.desiredVersion
            let acked = replicas.filter { $0.version != nil && $0.version == desired }.count
            let total = max(replicas.count, server.status?.replicas ?? 0)
            var lines = ["MCPServer \(server.metadata.namespace ?? "")/\(server.metadata.name ?? ""): desired \(desired ?? "-"), "
                + "\(acked)/\(total) replicas acked"]
            if let condition = server.status?.conditions?.first(where: { $0.type == MCPServerConditionType.policyApplied }) {
                lines.append("  PolicyApplied=\(condition.status)" + (condition.reason.map { " \($0)" } ?? "")
                    + (condition.message.map { ": \($0)" } ?? ""))
            }
            if replicas.isEmpty {
                lines.append(policy == nil ? "  no policy status yet" : "  no replica has reported")
            } else {
                let rows = replicas.sorted { $0.name < $1.name }.map { replica -> [String] in
                    let state = replica.version == nil ? "pending" : (replica.version == desired ? "current" : "lagging")
                    return [replica.name, shortVersion(replica.version), state, age(replica.ackedAt, now: now), replica.lastError ?? ""]
                }
                lines.append(indent(formatTable(["REPLICA", "VERSION", "STATE", "ACKED", "LAST ERROR"], rows)))
            }
            sections.append(lines.joined(separator: "\n"))
        }
        if !policies.isEmpty {
            let rows = policies.sorted { ($0.metadata.namespace ?? "", $0.metadata.name ?? "") < ($1.metadata.namespace ?? "", $1.metadata.name ?? "") }
                .map { policy -> [String] in
                    let status = policy.status
                    let valid = status?.conditions?.first { $0.type == "Valid" }
                    return ["\(policy.metadata.namespace ?? "")/\(policy.metadata.name ?? "")", shortVersion(status?.version),
                            status?.serversTargeted.map(String.init) ?? "-", status?.serversAcked.map(String.init) ?? "-",
                            age(status?.lastPropagationTime, now: now),
                            valid.map { $0.status == "True" ? "" : ($0.message ?? $0.reason ?? "invalid") } ?? ""]
                }
            sections.append(formatTable(["MCPPOLICY", "VERSION", "TARGETED", "ACKED", "PROPAGATED", "PROBLEM"], rows))
        }
        return sections.joined(separator: "\n\n")
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

/// `sha256:` and the first 12 hex digits; `-` when absent.
func shortVersion(_ version: String?) -> String {
    guard let version else { return "-" }
    guard version.hasPrefix("sha256:"), version.count > 19 else { return version }
    return String(version.prefix(19))
}

/// How long ago an RFC 3339 time was, kubectl style (`42s`); `-` when absent or unreadable.
func age(_ timestamp: String?, now: Date) -> String {
    guard let timestamp, let date = parseTimestamp(timestamp) else { return "-" }
    return formatAge(now.timeIntervalSince(date)) + " ago"
}

/// An MCPServer as far as policy status goes. Only the typed `status.policy` and conditions are
/// read, and a status that does not decode reads as absent, so a server with an unexpected
/// status still lists.
struct ServerPolicyView: Decodable, Sendable {
    struct Status: Decodable, Sendable {
        var policy: MCPServerStatus.PolicyStatus?
        var conditions: [Condition]?
        var replicas: Int?

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            policy = try? container.decodeIfPresent(MCPServerStatus.PolicyStatus.self, forKey: .policy)
            conditions = try? container.decodeIfPresent([Condition].self, forKey: .conditions)
            replicas = try? container.decodeIfPresent(Int.self, forKey: .replicas)
        }

        private enum CodingKeys: String, CodingKey { case policy, conditions, replicas }
    }

    var metadata: ObjectMeta
    var status: Status?

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        status = try? container.decodeIfPresent(Status.self, forKey: .status)
    }

    private enum CodingKeys: String, CodingKey { case metadata, status }
}

/// An MCPPolicy's metadata and status (its spec is not needed here).
struct PolicyStatusView: Decodable, Sendable {
    var metadata: ObjectMeta
    var status: MCPPolicyStatus?

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        status = try? container.decodeIfPresent(MCPPolicyStatus.self, forKey: .status)
    }

    private enum CodingKeys: String, CodingKey { case metadata, status }
}
