import ArgumentParser
import Foundation
import KubeModel
import LocalStore
import OperatorAPI
import OperatorCore

/// `mcpctl get`: list or show MCPServers and MCPPolicies from the local store, as kubectl does.
struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Display MCPServers (mcps) and MCPPolicies (mcpp) of local mode.",
        discussion: """
            Kinds: mcpservers (mcps, mcpserver), mcppolicies (mcpp, mcppolicy), several joined with a comma, \
            or TYPE/NAME arguments. The table has the CRD's printer columns; -o wide adds plugin restarts, \
            OOM kills, memory and CPU; the policy table shows how many gateways acknowledged.
            """)

    @OptionGroup var options: LocalOptions

    @Argument(help: "The kind (mcps, mcpp, ...) and optional names, or TYPE/NAME.")
    var resources: [String] = []

    @Option(name: .shortAndLong, help: "Output format: yaml, json, wide or name.")
    var output: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List objects of every namespace.")
    var allNamespaces = false

    @Flag(name: .customLong("no-headers"), help: "Print tables without their header line.")
    var noHeaders = false

    func validate() throws {
        if let output, !["yaml", "json", "wide", "name"].contains(output) {
            throw ValidationError("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json, name, wide, yaml")
        }
        if resources.isEmpty {
            throw ValidationError("you must specify the type of resource to get: mcpservers (mcps) or mcppolicies (mcpp)")
        }
    }

    func run() async throws {
        let store = try options.openStore()
        let references = try resourceReferences(resources)
        let namespace = allNamespaces ? nil : options.effectiveNamespace
        var objects: [StoredObject] = []
        var missing: [String] = []
        for reference in references {
            if let name = reference.name {
                if let object = try storeCall({ try store.get(reference.kind, namespace: options.effectiveNamespace, name: name) }) {
                    objects.append(object)
                } else {
                    missing.append("\(reference.kind.qualifiedName) \"\(name)\" not found")
                }
            } else {
                objects += try storeCall { try store.list(reference.kind, namespace: namespace) }
            }
        }
        let single = references.count == 1 && references[0].name != nil
        switch output {
        case "json":
            if single, let object = objects.first {
                print(try renderJSON(object.object))
            } else if !objects.isEmpty || missing.isEmpty {
                print(try renderJSON(listObject(objects)))
            }
        case "yaml":
            if single, let object = objects.first {
                print(try renderYAML(object.object), terminator: "")
            } else if !objects.isEmpty || missing.isEmpty {
                print(try renderYAML(listObject(objects)), terminator: "")
            }
        case "name":
            for object in objects { print("\(object.kind.qualifiedName)/\(object.name)") }
        default:
            try printTables(objects, store: store, wide: output == "wide", listedKinds: references.map(\.kind))
        }
        if !missing.isEmpty {
            throw CLIError(missing.joined(separator: "\n"))
        }
    }

    private func printTables(_ objects: [StoredObject], store: LocalStateStore, wide: Bool, listedKinds: [LocalKind]) throws {
        if objects.isEmpty {
            if !listedKinds.isEmpty {
                let place = allNamespaces ? "" : " in \(options.effectiveNamespace) namespace"
                Terminal.standardError.write(line: "No resources found\(place).")
            }
            return
        }
        let kinds = LocalKind.allCases.filter { kind in objects.contains { $0.kind == kind } }
        for (index, kind) in kinds.enumerated() {
            let ofKind = objects.filter { $0.kind == kind }
            let table = try ResourceTable.make(kind, ofKind, store: store, wide: wide, namespaces: allNamespaces, now: Date(),
                                               qualified: kinds.count > 1)
            if index > 0 { print("") }
            let text = formatTable(table.header, table.rows)
            print(noHeaders ? text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n") : text)
        }
    }
}

/// A `v1` `List` of objects, as kubectl prints several objects with `-o yaml|json`.
func listObject(_ objects: [StoredObject]) -> JSONValue {
    ["apiVersion": "v1", "kind": "List", "items": .array(objects.map(\.object)), "metadata": ["resourceVersion": ""]]
}

func renderJSON(_ value: JSONValue) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func renderYAML(_ value: JSONValue) throws -> String {
    let text = try CustomResourceDefinitions.yaml(value)
    return text.hasPrefix("---\n") ? String(text.dropFirst(4)) : text
}

/// Runs a store call, turning its errors into one clear line.
func storeCall<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LocalStoreError {
        throw CLIError(error.description)
    }
}

/// The table of one kind: the CRD's printer columns, extra columns for wide output, and the
/// gateways that acknowledged each policy.
enum ResourceTable {
    static func make(_ kind: LocalKind, _ objects: [StoredObject], store: LocalStateStore, wide: Bool, namespaces: Bool, now: Date,
                     qualified: Bool) throws -> (header: [String], rows: [[String]]) {
        let columns = PrinterColumn.columns(of: kind)
        var header = (namespaces ? ["NAMESPACE"] : []) + ["NAME"] + columns.map { $0.name.uppercased() }
        let ageIndex = header.lastIndex(of: "AGE")
        var extraHeader: [String] = []
        switch kind {
        case .server where wide: extraHeader = ["PLUGINS", "RESTARTS", "OOM", "MEMORY", "CPU"]
        case .policy: extraHeader = ["GATEWAYS"]
        default: break
        }
        let servers = kind == .policy ? try storeCall { try store.list(.server, namespace: nil) } : []
        var rows: [[String]] = []
        for object in objects {
            let name = qualified ? "\(kind.qualifiedName)/\(object.name)" : object.name
            var row = (namespaces ? [object.namespace] : []) + [name] + columns.map { $0.cell(object.object, now: now) }
            let extra: [String]
            switch kind {
            case .server where wide: extra = PluginFigures(object.status).cells
            case .policy: extra = [try gatewaysAcked(object, servers: servers, store: store)]
            default: extra = []
            }
            if let ageIndex { row.insert(contentsOf: extra, at: ageIndex) } else { row += extra }
            rows.append(row)
        }
        if let ageIndex { header.insert(contentsOf: extraHeader, at: ageIndex) } else { header += extraHeader }
        return (header, rows)
    }

    /// `acked/total` over the gateways of every server the policy applies to: a gateway counts as
    /// acked when its last push succeeded at its server's desired version.
    static func gatewaysAcked(_ policy: StoredObject, servers: [StoredObject], store: LocalStateStore) throws -> String {
        guard let decoded = try? policy.policy() else { return "<none>" }
        var acked = 0
        var total = 0
        for server in servers where server.namespace == policy.namespace {
            guard let typed = try? server.server(), PolicyMerger.applies(decoded, to: typed) else { continue }
            let acks = try storeCall { try store.policyAcks(namespace: server.namespace, server: server.name) }
            let desired = typed.status?.policy?.desiredVersion
            total += max(acks.count, typed.status?.replicas ?? 0)
            acked += acks.filter { $0.error == nil && (desired == nil || $0.version == desired) }.count
        }
        return "\(acked)/\(total)"
    }
}
