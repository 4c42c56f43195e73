import ArgumentParser
import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import OperatorCore

/// `mcpctl describe`: one object in detail: metadata, spec, conditions, per-replica policy acks,
/// plugin figures and recent events.
struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show details of MCPServers or MCPPolicies: status, conditions, policy acks, plugins and events.")

    @OptionGroup var options: LocalOptions

    @Argument(help: "The kind (mcps, mcpp) and optional names, or TYPE/NAME.")
    var resources: [String] = []

    func validate() throws {
        if resources.isEmpty { throw ValidationError("you must specify the type of resource to describe: mcpservers (mcps) or mcppolicies (mcpp)") }
    }

    func run() async throws {
        let store = try options.openStore()
        var sections: [String] = []
        var missing: [String] = []
        for reference in try resourceReferences(resources) {
            if let name = reference.name {
                if let object = try storeCall({ try store.get(reference.kind, namespace: options.effectiveNamespace, name: name) }) {
                    sections.append(try ObjectDescription(object: object, store: store, now: Date()).text)
                } else {
                    missing.append("\(reference.kind.qualifiedName) \"\(name)\" not found")
                }
            } else {
                for object in try storeCall({ try store.list(reference.kind, namespace: options.effectiveNamespace) }) {
                    sections.append(try ObjectDescription(object: object, store: store, now: Date()).text)
                }
            }
        }
        print(sections.joined(separator: "\n\n"))
        if !missing.isEmpty { throw CLIError(missing.joined(separator: "\n")) }
    }
}

/// The text `describe` prints for one object.
struct ObjectDescription {
    let object: StoredObject
    let store: LocalStateStore
    let now: Date

    var text: String {
        get throws {
            var lines: [String] = []
            func field(_ name: String, _ value: String, indent: Int = 0) {
                lines.append(String(repeating: " ", count: indent) + (name + ":").padding(toLength: max(14, name.count + 2), withPad: " ", startingAt: 0) + value)
            }
            let metadata = object.object["metadata"] ?? [:]
            field("Name", object.name)
            field("Namespace", object.namespace)
            field("Labels", keyValues(metadata["labels"]))
            field("Annotations", keyValues(metadata["annotations"]))
            field("API Version", OperatorGroup.apiVersion)
            field("Kind", object.kind.rawValue)
            field("UID", object.uid)
            field("Generation", String(object.generation))
            field("Resource Ver", String(object.resourceVersion))
            field("Created", "\(object.creationTimestamp) (\(age(object.creationTimestamp)) ago)")
            if let deleted = object.deletionTimestamp { field("Deleting", "since \(deleted) (\(age(deleted)))") }
            lines.append("Spec:")
            lines += try indented(renderYAML(object.object["spec"] ?? [:]), by: 2)
            switch object.kind {
            case .server: try describeServer(&lines)
            case .policy: try describePolicy(&lines)
            }
            let events = try storeCall { try store.events(object.kind, namespace: object.namespace, name: object.name) }
            lines.append("Events:" + (events.isEmpty ? "  <none>" : ""))
            if !events.isEmpty {
                let rows = events.map { event in
                    [event.type, event.reason,
                     event.count > 1 ? "\(formatAge(now.timeIntervalSince(event.lastSeen))) (x\(event.count) over \(formatAge(now.timeIntervalSince(event.firstSeen))))"
                         : formatAge(now.timeIntervalSince(event.lastSeen)),
                     "local-controller", event.message]
                }
                lines += indented(formatTable(["Type", "Reason", "Age", "From", "Message"], [["----", "------", "----", "----", "-------"]] + rows), by: 2)
            }
            return lines.joined(separator: "\n")
        }
    }

    private func describeServer(_ lines: inout [String]) throws {
        let status = object.status ?? [:]
        lines.append("Status:" + (object.status == nil ? "  <none> (the local controller has not reported yet)" : ""))
        guard object.status != nil else { return }
        func field(_ name: String, _ value: String) {
            lines.append("  " + (name + ":").padding(toLength: 22, withPad: " ", startingAt: 0) + value)
        }
        field("Endpoint", status["endpoint"]?.stringValue ?? "<none>")
        field("Replicas", "\(status["readyReplicas"]?.intValue ?? 0) ready / \(status["replicas"]?.intValue ?? 0) running")
        field("Observed Generation", status["observedGeneration"]?.intValue.map(String.init) ?? "<none>")
        lines += conditionLines(status["conditions"])

        let acks = try storeCall { try store.policyAcks(namespace: object.namespace, server: object.name) }
        let desired = status[path: ["policy", "desiredVersion"]]?.stringValue
        lines.append("  Policy:")
        lines.append("    Desired Version:  \(desired ?? "<none>")")
        var replicas: [String: [String]] = [:]
        for replica in status[path: ["policy", "replicas"]]?.arrayValue ?? [] {
            guard let name = replica["name"]?.stringValue else { continue }
            replicas[name] = [name, replica["version"]?.stringValue ?? "<none>", replica["ackedAt"]?.stringValue ?? "<none>",
                              replica["lastError"]?.stringValue ?? ""]
        }
        for ack in acks {
            replicas[ack.replica] = [ack.replica, ack.version, LocalStateStore.timestamp(ack.at), ack.error ?? ""]
        }
        if replicas.isEmpty {
            lines.append("    Replicas:         <none>")
        } else {
            let rows = replicas.keys.sorted().map { name -> [String] in
                var row = replicas[name]!
                let current = desired.map { row[1] == $0 } ?? true
                row.insert(row[3].isEmpty && current ? "yes" : "no", at: 2)
                return row
            }
            lines += indented(formatTable(["REPLICA", "VERSION", "CURRENT", "ACKED AT", "LAST ERROR"], rows), by: 4)
        }

        let plugins = PluginFigures(status).plugins
        lines.append("  Plugins:" + (plugins.isEmpty ? "              <none>" : ""))
        if !plugins.isEmpty {
            let rows = plugins.map { plugin -> [String] in
                var exit = plugin.lastExitReason ?? "<none>"
                if let code = plugin.lastExitCode { exit += " (\(code))" }
                let memory = plugin.memoryBytes.map(formatBytes).map { used in plugin.memoryLimitBytes.map { "\(used)/\(formatBytes($0))" } ?? used } ?? "<none>"
                return [plugin.name, plugin.ready ? "true" : "false", plugin.state ?? "<none>", String(plugin.restarts),
                        plugin.oomKills.map(String.init) ?? "<none>", exit, memory, plugin.cpuMillicores.map { "\($0)m" } ?? "<none>"]
            }
            lines += indented(formatTable(["NAME", "READY", "STATE", "RESTARTS", "OOM KILLS", "LAST EXIT", "MEMORY", "CPU"], rows), by: 4)
        }
    }

    private func describePolicy(_ lines: inout [String]) throws {
        let status = object.status ?? [:]
        lines.append("Status:" + (object.status == nil ? "  <none> (the local controller has not reported yet)" : ""))
        if object.status != nil {
            lines.append("  Version:              \(status["version"]?.stringValue ?? "<none>")")
            lines.append("  Servers Targeted:     \(status["serversTargeted"]?.intValue.map(String.init) ?? "<none>")")
            lines.append("  Servers Acked:        \(status["serversAcked"]?.intValue.map(String.init) ?? "<none>")")
            lines += conditionLines(status["conditions"])
        }
        let servers = try storeCall { try store.list(.server, namespace: object.namespace) }
        let policy = try object.policy()
        let targeted = servers.filter { (try? $0.server()).map { PolicyMerger.applies(policy, to: $0) } ?? false }
        lines.append("Gateways:" + (targeted.isEmpty ? "  <none> (no server in the namespace uses this policy)" : ""))
        var rows: [[String]] = []
        for server in targeted {
            let desired = server.status?[path: ["policy", "desiredVersion"]]?.stringValue
            for ack in try storeCall({ try store.policyAcks(namespace: server.namespace, server: server.name) }) {
                rows.append([server.name, ack.replica, ack.version, desired.map { $0 == ack.version && ack.error == nil ? "yes" : "no" } ?? "?",
                             ack.error ?? ""])
            }
        }
        if rows.isEmpty, !targeted.isEmpty {
            lines.append("  <none> acknowledged yet (servers: \(targeted.map(\.name).joined(separator: ", ")))")
        } else if !rows.isEmpty {
            lines += indented(formatTable(["SERVER", "REPLICA", "VERSION", "CURRENT", "LAST ERROR"], rows), by: 2)
        }
    }

    private func conditionLines(_ conditions: JSONValue?) -> [String] {
        let items = conditions?.arrayValue ?? []
        guard !items.isEmpty else { return ["  Conditions:           <none>"] }
        let rows = items.map { condition in
            [condition["type"]?.stringValue ?? "", condition["status"]?.stringValue ?? "", condition["reason"]?.stringValue ?? "",
             condition["lastTransitionTime"]?.stringValue.map(age) ?? "", condition["message"]?.stringValue ?? ""]
        }
        return ["  Conditions:"] + indented(formatTable(["Type", "Status", "Reason", "Age", "Message"], rows), by: 4)
    }

    private func keyValues(_ value: JSONValue?) -> String {
        guard let members = value?.objectValue, !members.isEmpty else { return "<none>" }
        return members.keys.sorted().map { "\($0)=\(members[$0].map(render) ?? "")" }.joined(separator: "\n" + String(repeating: " ", count: 14))
    }

    private func age(_ timestamp: String) -> String {
        parseTimestamp(timestamp).map { formatAge(now.timeIntervalSince($0)) } ?? timestamp
    }
}

func indented(_ text: String, by spaces: Int) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { String(repeating: " ", count: spaces) + $0 }
}
