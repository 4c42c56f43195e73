import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import PolicyDistribution
import PolicyEngine

/// An MCPPolicy's status in local mode, computed as the operator's `MCPPolicyReconciler` does
/// (through the same `PolicyStatusBuilder`): `Valid`, the version of the policy's own canonical
/// document, the servers it applies to (`serverSelector` and the servers' `policyRefs`), how many
/// of them enforce their current merged document on every desired gateway replica (from the acks
/// in the store), `Propagated`, and when a change last reached the last replica of one of them.
/// Pure: recomputing an unchanged state gives back the stored status exactly.
public enum LocalPolicyStatus {
    /// Why a named threat-intel feed shows as a problem: local mode fetches no feed.
    public static let feedsNotLoaded = "threat-intel feeds are not fetched in local mode; only spec.threatIntel.denyCIDRs is enforced"

    /// A server with the acks its gateways recorded.
    public struct ServerAcks: Sendable {
        /// The server as stored (namespace and name set).
        public var server: MCPServer
        /// The acks of its gateway replicas.
        public var acks: [PolicyAckRecord]

        public init(server: MCPServer, acks: [PolicyAckRecord]) {
            self.server = server
            self.acks = acks
        }
    }

    /// The status of `policy`, given the servers of its namespace with their acks and the
    /// namespace's policies (for each server's merged document).
    public static func status(of policy: MCPPolicy, servers: [ServerAcks], policies: [MCPPolicy], now: Date) -> MCPPolicyStatus {
        let issues = policy.spec.validate(root: "spec")
        var own = policy.spec
        own.serverSelector = nil
        let version = issues.isEmpty ? PolicyRelease(own).version : nil
        let feedProblems = (policy.spec.threatIntel?.feeds ?? []).map { FeedProblem(feed: $0.name, message: feedsNotLoaded) }
        var targeted: [(name: String, acked: Bool)] = []
        var lastPropagation: Date?
        let ordered = servers.sorted { ($0.server.metadata.namespace ?? "", $0.server.metadata.name ?? "") <
                                       ($1.server.metadata.namespace ?? "", $1.server.metadata.name ?? "") }
        for entry in ordered where PolicyMerger.applies(policy, to: entry.server) {
            let name = "\(entry.server.metadata.namespace ?? "default")/\(entry.server.metadata.name ?? "")"
            var acked = false
            if case .success(let document) = LocalPolicyResolver.document(for: entry.server, policies: policies) {
                let desired = PolicyRelease(document).version
                let current = entry.acks.filter { $0.version == desired }
                let replicas = LocalServerReconciler.desiredReplicas(entry.server)
                acked = replicas > 0 && Set(current.map(\.replica)).count >= replicas
                if acked, let time = current.map(\.at).max(), lastPropagation.map({ $0 < time }) ?? true { lastPropagation = time }
            }
            targeted.append((name, acked))
        }
        return PolicyStatusBuilder.policyStatus(PolicyStatusBuilder.PolicyInputs(
            policy: policy, version: version, issues: issues, feedProblems: feedProblems, servers: targeted,
            lastPropagation: lastPropagation, now: LocalStateStore.timestamp(now)))
    }

    /// The status document of every stored policy not being deleted, given the stored servers and
    /// a way to read a server's acks (namespace, name).
    static func documents(policies stored: [StoredObject], servers storedServers: [StoredObject], now: Date,
                          acks: (String, String) throws -> [PolicyAckRecord]) throws -> [(StoredObject, JSONValue)] {
        let live = stored.filter { !$0.deletionRequested }
        var policiesByNamespace: [String: [MCPPolicy]] = [:]
        var decoded: [(StoredObject, MCPPolicy)] = []
        for object in live {
            guard var policy = try? object.policy() else { continue }
            policy.metadata.namespace = object.namespace
            policy.metadata.name = object.name
            policy.metadata.generation = object.generation
            policy.status = try? object.status?.decode(as: MCPPolicyStatus.self)
            policiesByNamespace[object.namespace, default: []].append(policy)
            decoded.append((object, policy))
        }
        var serversByNamespace: [String: [ServerAcks]] = [:]
        for object in storedServers where !object.deletionRequested && policiesByNamespace[object.namespace] != nil {
            guard var server = try? object.server() else { continue }
            server.metadata.namespace = object.namespace
            server.metadata.name = object.name
            serversByNamespace[object.namespace, default: []].append(ServerAcks(server: server, acks: try acks(object.namespace, object.name)))
        }
        return try decoded.map { object, policy in
            let status = status(of: policy, servers: serversByNamespace[object.namespace] ?? [],
                                policies: policiesByNamespace[object.namespace] ?? [], now: now)
            return (object, try JSONValue(encoding: status))
        }
    }
}
