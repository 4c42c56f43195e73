import ArgumentParser
import Foundation
import KubeModel
import LocalStore
import OperatorAPI

/// `mcpctl up -f`: apply, start the local controller, show progress until every applied server is
/// ready, then print the endpoints to give an MCP client.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply files, start the local controller and wait until the servers are ready; print their endpoints.",
        discussion: "A terminal gets a live progress display in colour; a pipe gets one plain line per change.")

    @OptionGroup var options: LocalOptions

    @Option(name: [.short, .customLong("filename")], help: ArgumentHelp("A file, a folder or - (standard input); repeatable.", valueName: "path"))
    var filenames: [String] = []

    @Flag(name: [.customShort("R"), .customLong("recursive")], help: "Also read the folders inside the folders given with -f.")
    var recursive = false

    @Option(help: ArgumentHelp("How long to wait for readiness, such as 90s or 5m; 0 waits forever.", valueName: "duration"))
    var timeout: String = "5m"

    func validate() throws {
        if filenames.isEmpty { throw ValidationError("must specify -f FILE (a file, a folder, or - for standard input)") }
        _ = try parseDuration(timeout)
    }

    func run() async throws {
        let controller = ControllerProcess(directory: options.directory)
        if !controller.isRunning, let problem = await controller.engineProblem() { throw CLIError(problem) }
        let results = try applyManifests(filenames, recursive: recursive, options: options)
        for result in results { say(result.line) }
        let started = !controller.isRunning
        try await controller.ensureRunning(requireEngine: true)
        if started { say("started the local controller (log: \(controller.logPath))") }
        let servers = results.filter { $0.kind == .server }
        guard !servers.isEmpty else { return }
        let store = try options.openStore()
        let display = ProgressDisplay(terminal: .standardOutput)
        let deadline = try parseDuration(timeout).map { ContinuousClock.now + $0 }
        var states: [ServerProgress] = []
        while true {
            states = try servers.map { result in
                let stored = try storeCall { try store.get(.server, namespace: result.namespace, name: result.name) }
                return ServerProgress(name: result.name, stored: stored)
            }
            display.show(states)
            if states.allSatisfy(\.isReady) { break }
            if !controller.isRunning {
                display.finish()
                throw CLIError("the local controller stopped; its log \(controller.logPath) ends with:\n" + controller.logTail())
            }
            if let deadline, ContinuousClock.now >= deadline {
                display.finish()
                let waiting = states.filter { !$0.isReady }.map(\.summary).joined(separator: "\n  ")
                throw CLIError("timed out after \(timeout) waiting for readiness:\n  \(waiting)\nsee `mcpctl describe mcps NAME` and \(controller.logPath)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        display.finish()
        say("")
        let table = states.map { [$0.name, $0.endpoint ?? "<none>"] }
        say(formatTable(["SERVER", "ENDPOINT"], table))
        say("\nConnect an MCP client (Streamable HTTP transport) to the endpoint above.")
    }

    /// Standard output written directly, in order with the progress display.
    private func say(_ line: String) { Terminal.standardOutput.write(line: line) }
}

/// One server's progress towards readiness, from its stored status.
struct ServerProgress: Equatable {
    var name: String
    var isReady: Bool
    var isFailing: Bool
    var summary: String
    var endpoint: String?

    init(name: String, stored: StoredObject?) {
        self.name = name
        guard let stored else {
            (isReady, isFailing, summary) = (false, true, "\(name): deleted while waiting")
            return
        }
        let status = stored.status ?? [:]
        endpoint = status["endpoint"]?.stringValue
        let observed = Int64(status["observedGeneration"]?.intValue ?? 0)
        let conditions = status["conditions"]?.arrayValue ?? []
        func condition(_ type: String) -> JSONValue? { conditions.first { $0["type"]?.stringValue == type } }
        let ready = condition(MCPServerConditionType.ready)
        let degraded = condition(MCPServerConditionType.degraded)
        isReady = observed >= stored.generation && ready?["status"]?.stringValue == "True"
        isFailing = degraded?["status"]?.stringValue == "True"
        let plugins = PluginFigures(stored.status).plugins
        var parts = ["\(status["readyReplicas"]?.intValue ?? 0)/\(stored.object[path: ["spec", "replicas"]]?.intValue ?? 1) replicas ready"]
        if !plugins.isEmpty { parts.append("plugins \(plugins.filter(\.ready).count)/\(plugins.count)") }
        var text = "\(name): " + parts.joined(separator: ", ")
        if stored.status == nil {
            text += " - waiting for the controller"
        } else if !isReady {
            let reason = isFailing ? degraded : (ready ?? condition(MCPServerConditionType.progressing))
            if let reason, let message = reason["message"]?.stringValue, !message.isEmpty {
                text += " - \(reason["reason"]?.stringValue ?? "Waiting"): \(message)"
            }
        }
        summary = text
    }
}

/// Shows the servers' progress: on a terminal, one live line per server redrawn in place with a
/// spinner and colour; on a pipe, a plain line whenever a server's state changes.
final class ProgressDisplay {
    let terminal: Terminal
    private var drawnLines = 0
    private var lastPrinted: [String: String] = [:]
    private var frame = 0
    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    init(terminal: Terminal) { self.terminal = terminal }

    func show(_ states: [ServerProgress]) {
        guard terminal.isTTY else {
            for state in states where lastPrinted[state.name] != state.summary {
                lastPrinted[state.name] = state.summary
                terminal.write(line: (state.isReady ? "ready: " : "waiting: ") + state.summary)
            }
            return
        }
        frame += 1
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for state in states {
            let mark = state.isReady ? terminal.paint("✓", .green)
                : state.isFailing ? terminal.paint("!", .red) : terminal.paint(Self.spinner[frame % Self.spinner.count], .cyan)
            let line = state.isFailing && !state.isReady ? terminal.paint(state.summary, .yellow) : state.summary
            text += "\u{1B}[2K\(mark) \(line)\n"
        }
        drawnLines = states.count
        terminal.write(text)
    }

    func finish() {
        drawnLines = 0
    }
}
