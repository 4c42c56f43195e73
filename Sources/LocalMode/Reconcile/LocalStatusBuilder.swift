import Foundation
import KubeModel
import OperatorAPI
import PolicyDistribution

/// What the controller observed of one gateway replica.
public struct GatewayObservation: Sendable, Hashable {
    /// The container's name.
    public var container: String
    /// Whether it runs.
    public var running: Bool
    /// Whether its admin `/readyz` answered 200.
    public var ready: Bool
    /// The host port its MCP listener is published on.
    public var clientPort: Int?

    public init(container: String, running: Bool, ready: Bool, clientPort: Int?) {
        self.container = container
        self.running = running
        self.ready = ready
        self.clientPort = clientPort
    }
}

/// One plugin's state in a local server's status: the fields of `MCPServerStatus.PluginStatus`
/// plus what the engine reports of its container (state, OOM kills, memory and CPU use), for
/// `mcpctl get -o wide` and `describe`.
public struct LocalPluginStatus: Codable, Sendable, Hashable {
    /// The plugin's name.
    public var name: String
    /// Whether its container runs.
    public var ready: Bool
    /// Restarts (and re-creations) the controller made.
    public var restarts: Int
    /// Why it last exited: `OOMKilled`, `Error`, `Completed`.
    public var lastExitReason: String?
    /// Its last exit code.
    public var lastExitCode: Int?
    /// `running`, `exited`, `created`, `missing`, `restarting` (waiting for its backoff).
    public var state: String
    /// The container's name.
    public var container: String
    /// Times the kernel killed it for exceeding its memory limit.
    public var oomKills: Int
    /// Memory in use, in bytes, rounded to MiB (from the engine's stats).
    public var memoryBytes: Int64?
    /// The memory limit, in bytes.
    public var memoryLimitBytes: Int64?
    /// CPU in use, in thousandths of a CPU.
    public var cpuMillicores: Int64?

    public init(name: String, ready: Bool, restarts: Int, lastExitReason: String? = nil, lastExitCode: Int? = nil, state: String,
                container: String, oomKills: Int = 0, memoryBytes: Int64? = nil, memoryLimitBytes: Int64? = nil, cpuMillicores: Int64? = nil) {
        self.name = name
        self.ready = ready
        self.restarts = restarts
        self.lastExitReason = lastExitReason
        self.lastExitCode = lastExitCode
        self.state = state
        self.container = container
        self.oomKills = oomKills
        self.memoryBytes = memoryBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuMillicores = cpuMillicores
    }
}

/// Everything the status of one local server is computed from.
public struct LocalStatusInputs: Sendable {
    /// The server as stored, with its previous status.
    public var server: MCPServer
    /// Why it could not be planned or applied, when that happened.
    public var failure: LocalPlanError?
    /// Gateway replicas wanted.
    public var desiredReplicas: Int
    /// What each gateway replica is doing, by replica.
    public var gateways: [GatewayObservation]
    /// Each plugin, in spec order.
    public var plugins: [LocalPluginStatus]
    /// Plugins that keep crashing: name → message.
    public var crashLooping: [(name: String, reason: String, message: String)]
    /// The policy every gateway should enforce.
    public var policyVersion: String?
    /// What each replica acknowledged.
    public var policyReplicas: [MCPServerStatus.ReplicaPolicy]
    /// The address gateways are published on.
    public var publishAddress: String
    /// The label query that selects the server's gateway containers.
    public var selector: String
    /// Now, RFC 3339.
    public var now: String

    public init(server: MCPServer, failure: LocalPlanError?, desiredReplicas: Int, gateways: [GatewayObservation], plugins: [LocalPluginStatus],
                crashLooping: [(name: String, reason: String, message: String)], policyVersion: String?,
                policyReplicas: [MCPServerStatus.ReplicaPolicy], publishAddress: String, selector: String, now: String) {
        self.server = server
        self.failure = failure
        self.desiredReplicas = desiredReplicas
        self.gateways = gateways
        self.plugins = plugins
        self.crashLooping = crashLooping
        self.policyVersion = policyVersion
        self.policyReplicas = policyReplicas
        self.publishAddress = publishAddress
        self.selector = selector
        self.now = now
    }
}

/// Computes a local server's status, purely, in the operator's shape: conditions `Ready`,
/// `Progressing`, `Degraded` and `PolicyApplied` (their `lastTransitionTime` changes only when
/// their status flips), replicas, the endpoint, the policy acks and the plugins.
public enum LocalStatusBuilder {
    /// The reasons local mode adds to the operator's.
    public enum Reason {
        public static let crashLoopBackOff = "CrashLoopBackOff"
        public static let oomKilled = "OOMKilled"
        public static let applied = "Applied"
        public static let pending = "Pending"
        public static let rejected = "Rejected"
    }

    /// The typed status (plugins as `MCPServerStatus.PluginStatus`).
    public static func status(_ inputs: LocalStatusInputs) -> MCPServerStatus {
        let server = inputs.server
        let generation = server.metadata.generation
        let previous = server.status ?? MCPServerStatus()
        var status = previous
        status.observedGeneration = generation
        status.selector = inputs.selector
        status.replicas = inputs.gateways.filter(\.running).count
        status.readyReplicas = inputs.gateways.filter(\.ready).count
        if let port = inputs.gateways.first(where: { $0.clientPort != nil })?.clientPort {
            status.endpoint = "http://\(inputs.publishAddress):\(port)/mcp"
        }
        status.plugins = inputs.plugins.isEmpty ? nil : inputs.plugins.map {
            MCPServerStatus.PluginStatus(name: $0.name, ready: $0.ready, restarts: $0.restarts, lastExitReason: $0.lastExitReason)
        }
        if let version = inputs.policyVersion {
            status.policy = MCPServerStatus.PolicyStatus(desiredVersion: version, replicas: inputs.policyReplicas)
        }

        var conditions = previous.conditions ?? []
        func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) {
            conditions.set(Condition(type: type, status: value ? "True" : "False", observedGeneration: generation,
                                                              reason: reason, message: message), now: inputs.now)
        }
        let ready = status.readyReplicas ?? 0
        let pluginsReady = inputs.plugins.filter(\.ready).count
        let allPlugins = inputs.plugins.count
        let serving = ready >= inputs.desiredReplicas && pluginsReady == allPlugins
        // A policy problem leaves the running containers as they are, serving with the last good
        // policy: Ready says whether they serve (as on Kubernetes). Any other failure is about
        // the containers themselves (a missing image, a name taken by another's container).
        let policyFailed = inputs.failure.map { [MCPServerReason.policyNotFound, MCPServerReason.invalidPolicy].contains($0.reason) } ?? false
        if let failure = inputs.failure, !policyFailed || inputs.gateways.isEmpty {
            set(MCPServerConditionType.ready, false, failure.reason, failure.message)
        } else if serving, inputs.desiredReplicas == 0 {
            // Nothing serves: not Ready, as on Kubernetes.
            set(MCPServerConditionType.ready, false, MCPServerReason.scaledToZero, "the server is scaled to zero replicas")
        } else if serving {
            set(MCPServerConditionType.ready, true, MCPServerReason.available,
                "\(ready)/\(inputs.desiredReplicas) gateways ready, \(pluginsReady)/\(allPlugins) plugins running")
        } else if ready < inputs.desiredReplicas {
            set(MCPServerConditionType.ready, false, MCPServerReason.replicasNotReady, "\(ready)/\(inputs.desiredReplicas) gateways ready")
        } else {
            let waiting = inputs.plugins.filter { !$0.ready }.map(\.name).joined(separator: ", ")
            set(MCPServerConditionType.ready, false, MCPServerReason.pluginsNotReady,
                "\(pluginsReady)/\(allPlugins) plugins running; waiting for \(waiting)")
        }
        if let failure = inputs.failure {
            set(MCPServerConditionType.progressing, false, failure.reason, "changes are not rolled out until the problem is fixed: \(failure.message)")
            set(MCPServerConditionType.degraded, true, failure.reason, failure.message)
            if policyFailed {
                set(MCPServerConditionType.policyApplied, false, failure.reason,
                    failure.message + "; nothing was pushed, the gateways keep the last good policy")
            }
        } else {
            if serving {
                set(MCPServerConditionType.progressing, false, MCPServerReason.complete, "every container runs the current spec")
            } else {
                set(MCPServerConditionType.progressing, true, MCPServerReason.creating,
                    ready < inputs.desiredReplicas ? "\(ready)/\(inputs.desiredReplicas) gateways ready" : "\(pluginsReady)/\(allPlugins) plugins running")
            }
            if let crash = inputs.crashLooping.first {
                let others = inputs.crashLooping.dropFirst().map { "; \($0.message)" }.joined()
                set(MCPServerConditionType.degraded, true, crash.reason, crash.message + others)
            } else {
                set(MCPServerConditionType.degraded, false, MCPServerReason.asExpected, "no container keeps failing")
            }
        }
        if let version = inputs.policyVersion, !policyFailed {
            let current = inputs.policyReplicas.filter { $0.version == version }.count
            let total = inputs.policyReplicas.count
            let short = PolicyRelease.short(version)
            if total > 0, current == total {
                set(MCPServerConditionType.policyApplied, true, Reason.applied, "\(current)/\(total) gateways enforce \(short)")
            } else if let rejected = inputs.policyReplicas.first(where: { $0.lastError?.contains("rejected") == true }) {
                set(MCPServerConditionType.policyApplied, false, Reason.rejected,
                    "\(rejected.name) rejected \(short) and keeps its last good policy: \(rejected.lastError ?? "")")
            } else {
                let errors = inputs.policyReplicas.compactMap { replica in replica.lastError.map { "\(replica.name): \($0)" } }
                set(MCPServerConditionType.policyApplied, false, Reason.pending,
                    "\(current)/\(total) gateways enforce \(short)" + (errors.isEmpty ? "" : "; " + errors.joined(separator: "; ")))
            }
        }
        status.conditions = conditions
        return status
    }

    /// The status as stored: the typed status, with each plugin's entry extended by the
    /// `LocalPluginStatus` fields.
    public static func document(_ inputs: LocalStatusInputs) throws -> JSONValue {
        let typed = status(inputs)
        var json = try JSONValue(encoding: typed)
        if case .object(var members) = json, !inputs.plugins.isEmpty {
            members["plugins"] = try JSONValue(encoding: inputs.plugins)
            json = .object(members)
        }
        return json
    }
}

