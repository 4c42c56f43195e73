import ArgumentParser
import DockerEngine
import Foundation
import LocalMode
import LocalStore
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mcpctl controller`: the local controller process (started in the background by `apply`
/// and `up`; run it in the foreground to watch it work).
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "The local controller (internal: apply and up start it in the background).",
        shouldDisplay: false,
        subcommands: [Run.self, Status.self, Stop.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the local controller in the foreground until SIGTERM or SIGINT.")

        @Option(name: .customLong("state"), help: ArgumentHelp("The state directory.", valueName: "dir"))
        var state: String?

        @Option(help: "The value of the mcpoperator.io/local-instance label on everything the controller makes (default: $MCP_LOCAL_INSTANCE, else default for the default state directory and state-<hash> for another).")
        var instance: String?

        @Option(name: .customLong("name-prefix"), help: "The first part of every container, network and volume name (default: $MCP_LOCAL_NAME_PREFIX, else mcp).")
        var namePrefix: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let directory = state ?? LocalStateStore.defaultDirectory(environment: environment)
            let process = ControllerProcess(directory: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard let lock = try FileLock.tryLock(path: process.lockPath) else {
                throw CLIError("a local controller already runs for \(directory) (pid \(process.pid.map(String.init) ?? "unknown"))")
            }
            defer { lock.unlock() }
            try "\(getpid())\n".write(toFile: process.pidPath, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: process.pidPath) }

            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = environment["MCP_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
                return handler
            }
            let store: LocalStateStore
            do { store = try LocalStateStore(directory: directory) } catch let error as LocalStoreError { throw CLIError(error.description) }
            let docker = try DockerClient(environment: environment)
            var options = LocalControllerOptions()
            options.plan.instance = LocalPlanOptions.instance(explicit: instance, stateDirectory: directory,
                                                              defaultDirectory: LocalStateStore.defaultDirectory(environment: environment),
                                                              environment: environment)
            options.plan.namePrefix = namePrefix ?? environment["MCP_LOCAL_NAME_PREFIX"].flatMap { $0.isEmpty ? nil : $0 } ?? options.plan.namePrefix
            let controller = LocalController(store: store, docker: docker, options: options)
            let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number)
                source.setEventHandler { controller.stop() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            do {
                try await controller.run()
            } catch let error as DockerError {
                throw CLIError(error.message)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether the local controller runs, with its pid and log file.")

        @Option(name: .customLong("state"), help: ArgumentHelp("The state directory.", valueName: "dir"))
        var state: String?

        func run() async throws {
            let process = ControllerProcess(directory: state ?? LocalStateStore.defaultDirectory(environment: ProcessInfo.processInfo.environment))
            if process.isRunning {
                print("running (pid \(process.pid.map(String.init) ?? "unknown")), log: \(process.logPath)")
            } else {
                print("not running")
                throw ExitCode(3)
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local controller, leaving containers and state as they are.")

        @Option(name: .customLong("state"), help: ArgumentHelp("The state directory.", valueName: "dir"))
        var state: String?

        func run() async throws {
            let process = ControllerProcess(directory: state ?? LocalStateStore.defaultDirectory(environment: ProcessInfo.processInfo.environment))
            print(try await process.stop() ? "local controller stopped" : "no local controller runs")
        }
    }
}
