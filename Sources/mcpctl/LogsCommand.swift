import ArgumentParser
import DockerEngine
import Foundation
import LocalMode
import LocalStore
import OperatorAPI

/// `mcpctl logs`: the output of a server's container, its gateway or one of its plugins, through
/// the Docker engine's logs API.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the logs of an MCPServer's server, gateway or plugin container.",
        discussion: """
            Without --plugin or --gateway: the server (for a stdio server, the gateway container it runs \
            under; for an HTTP server, its own container). NAME may also be written mcps/NAME.
            """)

    @OptionGroup var options: LocalOptions

    @Argument(help: "The MCPServer (NAME or mcps/NAME).")
    var name: String

    @Option(help: "Show the logs of this plugin's container.")
    var plugin: String?

    @Flag(help: "Show the logs of the gateway container.")
    var gateway = false

    @Option(help: "Which replica (0-based).")
    var replica: Int = 0

    @Flag(name: [.short, .customLong("follow")], help: "Keep printing new output until the container stops or you press Ctrl-C.")
    var follow = false

    @Option(help: "Only the last this many lines (-1 for all).")
    var tail: Int = -1

    @Flag(help: "Prefix each line with its timestamp.")
    var timestamps = false

    func validate() throws {
        if plugin != nil, gateway { throw ValidationError("--plugin and --gateway exclude each other") }
        if replica < 0 { throw ValidationError("--replica must be 0 or more") }
    }

    func run() async throws {
        var serverName = name
        if let slash = name.firstIndex(of: "/") {
            guard try resourceKind(String(name[..<slash])) == .server else {
                throw CLIError("logs are kept for MCPServers only, not \(name[..<slash])")
            }
            serverName = String(name[name.index(after: slash)...])
        }
        let store = try options.openStore()
        let namespace = options.effectiveNamespace
        guard let stored = try storeCall({ try store.get(.server, namespace: namespace, name: serverName) }) else {
            throw CLIError("Error from server (NotFound): mcpservers.\(OperatorGroup.name) \"\(serverName)\" not found")
        }
        let server = try stored.server()
        var labels = LocalEngine.ownedLabels(options.directory)
        labels[LocalLabels.namespace] = namespace
        labels[LocalLabels.server] = serverName
        let what: String
        if let plugin {
            guard (server.spec.plugins ?? []).contains(where: { $0.name == plugin }) else {
                let known = (server.spec.plugins ?? []).map(\.name)
                throw CLIError("mcpserver \(serverName) has no plugin \"\(plugin)\"" + (known.isEmpty ? " (it has none)" : " (plugins: \(known.joined(separator: ", ")))"))
            }
            labels[LocalLabels.component] = LocalRole.plugin.rawValue
            labels[LocalLabels.plugin] = plugin
            what = "plugin \(plugin)"
        } else {
            let ownContainer = !gateway && (server.spec.transport ?? .stdio).isHTTP
            labels[LocalLabels.component] = (ownContainer ? LocalRole.server : LocalRole.gateway).rawValue
            labels[LocalLabels.replica] = String(replica)
            what = "\(ownContainer ? "server" : "gateway") replica \(replica)"
        }
        let docker = try LocalEngine.client()
        let containers = try await LocalEngine.call { try await docker.listContainers(all: true, filters: .labels(labels)) }
        guard let container = containers.first else {
            throw CLIError("no container for the \(what) of mcpserver \(serverName) exists (yet); see `mcpctl describe mcps \(serverName)`")
        }
        let logOptions = LogOptions(tail: tail < 0 ? nil : tail, timestamps: timestamps)
        if follow {
            let stream = try await LocalEngine.call { try await docker.followLogs(container.id, options: logOptions) }
            for try await chunk in stream { write(chunk) }
        } else {
            let logs = try await LocalEngine.call { try await docker.logs(container.id, options: logOptions) }
            for chunk in logs.chunks { write(chunk) }
        }
    }

    private func write(_ chunk: LogChunk) {
        // Like kubectl logs: the container's stdout and stderr, both to standard output.
        Terminal.standardOutput.write(chunk.text)
    }
}

/// The Docker engine as local mode's commands use it: the client, the labels of what this
/// controller instance owns, and engine errors as one clear line.
enum LocalEngine {
    /// The controller instance of the state directory `directory` (see `LocalPlanOptions.instance`).
    static func instance(_ directory: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        return LocalPlanOptions.instance(stateDirectory: directory, defaultDirectory: LocalStateStore.defaultDirectory(environment: environment),
                                         environment: environment)
    }

    /// The labels on every container, network and volume the controller of `directory` makes.
    static func ownedLabels(_ directory: String) -> [String: String] {
        [LocalLabels.managedBy: LocalLabels.managerName, LocalLabels.instance: instance(directory)]
    }

    static func client() throws -> DockerClient {
        do {
            return try DockerClient(environment: ProcessInfo.processInfo.environment)
        } catch let error as DockerError {
            throw CLIError(error.message)
        }
    }

    static func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DockerError {
            throw CLIError(error.isEngineUnreachable ? error.message : error.description)
        }
    }

    /// Names of the containers, networks and volumes of `directory`'s instance left on the engine.
    static func leftovers(_ docker: DockerClient, directory: String) async throws -> [String] {
        let filters = DockerFilters.labels(ownedLabels(directory))
        let containers = try await call { try await docker.listContainers(all: true, filters: filters) }
        let networks = try await call { try await docker.listNetworks(filters: filters) }
        let volumes = try await call { try await docker.listVolumes(filters: filters) }
        return containers.map { "container \($0.name ?? $0.id)" } + networks.map { "network \($0.name)" } + volumes.map { "volume \($0.name)" }
    }
}
