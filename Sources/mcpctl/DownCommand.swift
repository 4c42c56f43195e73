import ArgumentParser
import Foundation
import LocalStore

/// `mcpctl down`: delete every object of the state directory, wait until the controller removed
/// their containers, networks and volumes, then stop the controller.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete every MCPServer and MCPPolicy, wait until nothing of ours is left on Docker, stop the local controller.")

    @OptionGroup var options: LocalOptions

    @Option(help: ArgumentHelp("How long to wait for the clean-up, such as 90s or 2m; 0 waits forever.", valueName: "duration"))
    var timeout: String = "2m"

    func validate() throws { _ = try parseDuration(timeout) }

    func run() async throws {
        let store = try options.openStore()
        let controller = ControllerProcess(directory: options.directory)
        let servers = try storeCall { try store.list(.server, namespace: nil) }
        let policies = try storeCall { try store.list(.policy, namespace: nil) }
        for policy in policies {
            try storeCall { try store.remove(.policy, namespace: policy.namespace, name: policy.name) }
            print("\(LocalKind.policy.qualifiedName) \"\(policy.name)\" deleted")
        }
        for server in servers {
            try storeCall { _ = try store.requestDeletion(.server, namespace: server.namespace, name: server.name) }
            print("\(LocalKind.server.qualifiedName) \"\(server.name)\" deleted")
        }
        let engineProblem = await controller.engineProblem()
        var leftovers: [String] = []
        if engineProblem == nil { leftovers = try await LocalEngine.leftovers(try LocalEngine.client(), directory: options.directory) }
        if !servers.isEmpty || !leftovers.isEmpty {
            if let engineProblem, !controller.isRunning { throw CLIError(engineProblem) }
            try await controller.ensureRunning(requireEngine: true)
            let deadline = try parseDuration(timeout)
            try await waitUntilRemoved(servers.map { ($0.kind, $0.namespace, $0.name) }, store: store, timeout: deadline, controller: controller)
            if engineProblem == nil {
                try await waitUntilClean(deadline: deadline.map { ContinuousClock.now + $0 }, controller: controller)
            }
        }
        if try await controller.stop() { print("local controller stopped") }
    }

    /// Waits until no container, network or volume of this instance is left (orphans of servers
    /// deleted while no controller ran are removed by the controller at start).
    private func waitUntilClean(deadline: ContinuousClock.Instant?, controller: ControllerProcess) async throws {
        let docker = try LocalEngine.client()
        while true {
            let left = try await LocalEngine.leftovers(docker, directory: options.directory)
            if left.isEmpty { return }
            if let deadline, ContinuousClock.now >= deadline {
                throw CLIError("timed out waiting for the clean-up; still there: \(left.joined(separator: ", ")); see \(controller.logPath)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
