import ArgumentParser
import Foundation
import LocalStore
import OperatorAPI

/// `mcpctl delete`: delete MCPServers (their containers, networks and volumes are removed by the
/// controller, which then drops the object) and MCPPolicies (at once: nothing owns them).
struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete MCPServers and MCPPolicies by kind and name, or those of files (-f).",
        discussion: """
            A server is marked for deletion and, unless --wait=false, the command waits until the local \
            controller removed its containers, networks and volumes. A policy is removed at once; the \
            controller then pushes the remaining policy to the servers that used it.
            """)

    @OptionGroup var options: LocalOptions

    @Argument(help: "The kind (mcps, mcpp) and names, or TYPE/NAME.")
    var resources: [String] = []

    @Option(name: [.short, .customLong("filename")], help: ArgumentHelp("Delete the objects of a file, a folder or - (repeatable).", valueName: "path"))
    var filenames: [String] = []

    @Flag(name: [.customShort("R"), .customLong("recursive")], help: "Also read the folders inside the folders given with -f.")
    var recursive = false

    @Flag(help: "Delete every object of the kinds given, in the namespace.")
    var all = false

    @Flag(name: .customLong("ignore-not-found"), help: "Treat missing objects as deleted.")
    var ignoreNotFound = false

    @Option(help: ArgumentHelp("Wait until the controller removed everything (true or false).", valueName: "bool"))
    var wait: Bool = true

    @Option(help: ArgumentHelp("How long to wait, such as 90s or 2m; 0 waits forever.", valueName: "duration"))
    var timeout: String = "2m"

    func validate() throws {
        if filenames.isEmpty, resources.isEmpty { throw ValidationError("you must specify the resources to delete: TYPE NAME, TYPE/NAME or -f FILE") }
        if !filenames.isEmpty, !resources.isEmpty { throw ValidationError("-f cannot be combined with TYPE NAME arguments") }
        _ = try parseDuration(timeout)
    }

    func run() async throws {
        let store = try options.openStore()
        var targets: [(kind: LocalKind, namespace: String, name: String)] = []
        if !filenames.isEmpty {
            for manifest in try ManifestFiles.read(filenames, recursive: recursive) {
                guard let kind = LocalKind(rawValue: manifest.kind) else {
                    throw CLIError("\(manifest.file):\(manifest.line): no matches for kind \"\(manifest.kind)\": local mode knows MCPServer and MCPPolicy")
                }
                let namespace = manifest.json[path: ["metadata", "namespace"]]?.stringValue ?? options.effectiveNamespace
                targets.append((kind, namespace, manifest.name))
            }
        } else {
            for reference in try resourceReferences(resources) {
                if let name = reference.name {
                    targets.append((reference.kind, options.effectiveNamespace, name))
                } else if all {
                    targets += try storeCall { try store.list(reference.kind, namespace: options.effectiveNamespace) }.map { ($0.kind, $0.namespace, $0.name) }
                } else {
                    throw CLIError("resource(s) were provided, but no name was specified (or pass --all)")
                }
            }
        }
        var missing: [String] = []
        var waiting: [(kind: LocalKind, namespace: String, name: String)] = []
        for target in targets {
            let found: Bool = try storeCall {
                switch target.kind {
                case .server:
                    return try store.requestDeletion(.server, namespace: target.namespace, name: target.name)
                case .policy:
                    guard try store.get(.policy, namespace: target.namespace, name: target.name) != nil else { return false }
                    try store.remove(.policy, namespace: target.namespace, name: target.name)
                    return true
                }
            }
            if found {
                print("\(target.kind.qualifiedName) \"\(target.name)\" deleted")
                if target.kind == .server { waiting.append(target) }
            } else if !ignoreNotFound {
                missing.append("\(target.kind.plural).\(OperatorGroup.name) \"\(target.name)\" not found")
            }
        }
        if wait, !waiting.isEmpty {
            let controller = ControllerProcess(directory: options.directory)
            try await controller.ensureRunning(requireEngine: true)
            try await waitUntilRemoved(waiting, store: store, timeout: try parseDuration(timeout), controller: controller)
        }
        if !missing.isEmpty { throw CLIError(missing.map { "Error from server (NotFound): \($0)" }.joined(separator: "\n")) }
    }
}

/// Polls the store until every object is gone (the controller removes a server once its
/// containers, networks and volumes are).
func waitUntilRemoved(_ objects: [(kind: LocalKind, namespace: String, name: String)], store: LocalStateStore, timeout: Duration?,
                      controller: ControllerProcess) async throws {
    let deadline = timeout.map { ContinuousClock.now + $0 }
    var remaining = objects
    while true {
        remaining = try remaining.filter { object in try storeCall { try store.get(object.kind, namespace: object.namespace, name: object.name) } != nil }
        if remaining.isEmpty { return }
        if let deadline, ContinuousClock.now >= deadline {
            let names = remaining.map { "\($0.kind.qualifiedName)/\($0.name)" }.joined(separator: ", ")
            throw CLIError("timed out waiting for the deletion of \(names); the controller's log is \(controller.logPath)")
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}

/// `90s`, `2m`, `1h`, `1m30s` or plain seconds; `0` means no limit (nil).
func parseDuration(_ text: String) throws -> Duration? {
    // At most a year: an infinite, NaN or enormous value would trap the conversion to milliseconds.
    func milliseconds(_ seconds: Double) throws -> Duration? {
        guard seconds.isFinite, seconds <= 366 * 86_400 else {
            throw ValidationError("invalid duration \"\(text)\": at most a year (use 0 for no limit)")
        }
        return seconds <= 0 ? nil : .milliseconds(Int64(seconds * 1000))
    }
    if let seconds = Double(text) { return try milliseconds(seconds) }
    var total = 0.0
    var number = ""
    for character in text {
        if character.isNumber || character == "." {
            number.append(character)
            continue
        }
        guard let value = Double(number) else { throw ValidationError("invalid duration \"\(text)\": use a form like 90s, 2m or 1h") }
        switch character {
        case "s": total += value
        case "m": total += value * 60
        case "h": total += value * 3600
        default: throw ValidationError("invalid duration \"\(text)\": use a form like 90s, 2m or 1h")
        }
        number = ""
    }
    guard number.isEmpty else { throw ValidationError("invalid duration \"\(text)\": a number needs a unit (s, m or h)") }
    return try milliseconds(total)
}
