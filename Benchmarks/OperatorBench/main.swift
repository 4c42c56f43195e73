// operator-bench: measures the operator at scale (issue 3's benchmark).
//
//   operator-bench [N]         run every measurement with N MCPServers (default 1000) and print a Markdown table
//   operator-bench serve       (internal) a fake API server with the operator's CRDs, plus a tiny control
//                              server; prints "<api URL> <control URL>"
//
// The fake API server runs as a child process so the operator's memory is measured alone. The
// parent runs the real operator machinery (client, Manager, MCPServerController) as
// Sources/mcp-operator/OperatorApp.swift wires it, without leader election, probes or metrics.
import ControllerRuntime
import Foundation
import Hummingbird
import KubeClient
import KubeTesting
import Logging
import OperatorAPI
import OperatorCore
import Synchronization
import TestSupport

func residentBytes(pid: String = "self") -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }
    return 0
}

/// User plus system CPU seconds of a process so far, from /proc (clock ticks of 1/100 s).
func cpuSeconds(pid: String = "self") -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14, stime 15 (1-based over the whole line).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

// MARK: - Child: the fake API server

let scale = ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                             labelSelectorPath: ".status.selector")

func serve() async throws {
    let server = try await FakeAPIServer.start(options: .init(historyLimit: 1_000_000))
    server.registerBuiltins()
    server.register(MCPServer.resourceType, statusSubresource: true, scale: scale)
    server.register(MCPPolicy.resourceType, statusSubresource: true)
    let api = server.baseURL

    let router = Router()
    // "<reconciled> <total>": MCPServers whose status.observedGeneration equals metadata.generation.
    router.get("/reconciled") { _, _ -> String in
        let servers = server.objects(MCPServer.resourceType)
        let done = servers.filter { object in
            guard let generation = object["metadata"]?["generation"] else { return false }
            return object["status"]?["observedGeneration"] == generation
        }.count
        return "\(done) \(servers.count)"
    }
    // "<requests> <writes>" recorded by the fake server (every client, the bench's own included).
    router.get("/requests") { _, _ -> String in
        let all = server.requests
        return "\(all.count) \(all.filter(\.isWrite).count)"
    }
    var logger = Logger(label: "operator-bench-control")
    logger.logLevel = .critical
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { channel in
                              announce("\(api) http://127.0.0.1:\(channel.localAddress?.port ?? 0)")
                          }, logger: logger)
    try await app.runService()
}

// MARK: - Parent: the operator

/// Counts the operator client's requests, by reads and writes, and writes by verb and resource.
final class RequestCounter: Sendable {
    struct Counts: Sendable {
        var reads = 0
        var writes = 0
        var writesByResource: [String: Int] = [:]
    }

    let counts = Mutex(Counts())

    @Sendable func record(_ request: KubernetesClient.RequestRecord) {
        let isWrite = !["GET", "HEAD", "OPTIONS", "WATCH"].contains(request.method)
        counts.withLock { counts in
            if isWrite {
                counts.writes += 1
                counts.writesByResource["\(request.method) \(Self.resource(of: request.path))", default: 0] += 1
            } else {
                counts.reads += 1
            }
        }
    }

    var snapshot: Counts { counts.withLock { $0 } }

    /// The resource (and subresource) of an API path, without namespace or name.
    static func resource(of path: String) -> String {
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        let parts = bare.split(separator: "/").map(String.init)
        if let index = parts.firstIndex(of: "namespaces"), index + 2 < parts.count {
            let rest = parts[(index + 2)...]
            return rest.count > 2 ? "\(rest.first!)/\(rest.last!)" : rest.first!
        }
        return parts.last ?? bare
    }
}

func server(_ index: Int) -> MCPServer {
    let plugins = index % 2 == 0
        ? [MCPServerSpec.Plugin(name: "search", image: "example.com/search:2", port: 7000)]
        : nil
    return MCPServer(metadata: ObjectMeta(name: String(format: "bench-%04d", index), namespace: "default"),
                     spec: MCPServerSpec(image: "example.com/files:1", command: ["node", "server.js"], args: ["--root", "/data"],
                                         replicas: 1, plugins: plugins))
}

func control(_ url: String) async throws -> [Int] {
    let text = try await runCommandAsync("/usr/bin/curl", ["-s", "--max-time", "10", url])
    return text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
}

func measure(count: Int) async throws {
    let child = try PeerProcess(executable: CommandLine.arguments[0], arguments: ["serve"], timeout: .seconds(60))
    defer { child.stop() }
    let urls = child.firstLine.split(separator: " ").map(String.init)
    let (api, controlURL) = (urls[0], urls[1])
    let childPID = String(child.process.processIdentifier)

    var logger = Logger(label: "mcp-operator")
    logger.logLevel = .error
    let counter = RequestCounter()
    let workers = Int(ProcessInfo.processInfo.environment["BENCH_WORKERS"] ?? "") ?? 2
    let client = KubernetesClient(configuration: ClientConfiguration(server: api), logger: logger, observer: counter.record)
    let manager = Manager(client: client, configuration: ManagerConfiguration(leaderElection: nil), logger: logger)
    let settings = OperatorSettings(maxConcurrentReconciles: workers,
                                    planner: PlannerOptions(operatorNamespace: "mcp-system"), reportingInstance: "operator-bench")
    let controller = MCPServerController(manager: manager, settings: settings, logger: logger)
    let run = Task { try await manager.run() }

    while !manager.cachesSynced { try await Task.sleep(for: .milliseconds(20)) }
    try await Task.sleep(for: .seconds(2))
    let idleRSS = residentBytes()
    let beforeCreate = counter.snapshot

    // The user: a separate client whose requests are not counted.
    let user = KubernetesClient(configuration: ClientConfiguration(server: api), logger: logger)
    let start = ContinuousClock.now
    let cpuStart = cpuSeconds()
    let childCPUStart = cpuSeconds(pid: childPID)
    let concurrency = 16
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func add() {
            let index = next
            next += 1
            group.addTask { _ = try await user.create(server(index)) }
        }
        while next < min(concurrency, count) { add() }
        while try await group.next() != nil {
            if next < count { add() }
        }
    }
    let created = ContinuousClock.now - start

    // Every MCPServer reconciled with its status written (observedGeneration == generation).
    var reconciledAt = created
    while true {
        let state = try await control(controlURL + "/reconciled")
        if state.count == 2, state[1] == count, state[0] == count {
            reconciledAt = ContinuousClock.now - start
            break
        }
        if (ContinuousClock.now - start) > .seconds(600) {
            print("timed out: \(state) reconciled")
            break
        }
        // Once a second: the check itself costs the fake server a walk over every object.
        try await Task.sleep(for: .seconds(1))
    }
    let atReconciled = counter.snapshot

    // Then quiet: no operator request for 2 s and an empty queue.
    let quietWindow = Duration.seconds(2)
    var lastTotal = -1
    var quietSince = ContinuousClock.now
    while true {
        let snapshot = counter.snapshot
        let total = snapshot.reads + snapshot.writes
        if total != lastTotal {
            lastTotal = total
            quietSince = .now
        } else if quietSince.duration(to: .now) >= quietWindow, controller.controller.queue.count == 0 {
            break
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    let settled = quietSince - start
    let cpuBurst = cpuSeconds() - cpuStart
    let childCPUBurst = cpuSeconds(pid: childPID) - childCPUStart
    let afterBurst = counter.snapshot
    let cachedRSS = residentBytes()

    // A minute with nothing changing.
    try await Task.sleep(for: .seconds(60))
    let afterIdle = counter.snapshot
    let idleEndRSS = residentBytes()
    let serverCounts = try await control(controlURL + "/requests")

    manager.requestShutdown()
    run.cancel()
    _ = try? await run.value

    let burstReads = afterBurst.reads - beforeCreate.reads
    let burstWrites = afterBurst.writes - beforeCreate.writes
    let burstCalls = burstReads + burstWrites
    let toReconciled = (atReconciled.reads + atReconciled.writes) - (beforeCreate.reads + beforeCreate.writes)
    let idleWrites = afterIdle.writes - afterBurst.writes
    let idleReads = afterIdle.reads - afterBurst.reads
    var idleWriteKinds: [String] = []
    for (key, value) in afterIdle.writesByResource.sorted(by: { $0.key < $1.key }) {
        let delta = value - (afterBurst.writesByResource[key] ?? 0)
        if delta > 0 { idleWriteKinds.append("\(key) ×\(delta)") }
    }
    var burstWriteKinds: [String] = []
    for (key, value) in afterBurst.writesByResource.sorted(by: { $0.key < $1.key }) {
        let delta = value - (beforeCreate.writesByResource[key] ?? 0)
        if delta > 0 { burstWriteKinds.append("\(key) ×\(delta)") }
    }
    let n = Double(count)
    func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

    print("| measurement (\(count) MCPServers, \(workers) workers, creates 16 at a time) | result |")
    print("|---|---|")
    print("| create \(count) MCPServers (user client) (s) | \(f(created.seconds)) |")
    print("| time until every MCPServer has status.observedGeneration == generation (s) | \(f(reconciledAt.seconds)) |")
    print("| time until the operator is quiet (last request; queue empty) (s) | \(f(settled.seconds)) |")
    print("| operator API calls until all reconciled / until quiet | \(toReconciled) / \(burstCalls) |")
    print("| operator API calls per server (reads + writes) | \(f(Double(burstCalls) / n)) (\(f(Double(burstReads) / n)) + \(f(Double(burstWrites) / n))) |")
    print("| operator writes by verb and resource | \(burstWriteKinds.joined(separator: ", ")) |")
    print("| operator API calls per second (create start to quiet) | \(f(Double(burstCalls) / settled.seconds, 0)) |")
    print("| operator CPU during the burst (s; share of wall clock) | \(f(cpuBurst)) (\(f(100 * cpuBurst / settled.seconds, 0)) %) |")
    print("| fake API server CPU during the burst (s; share of wall clock) | \(f(childCPUBurst)) (\(f(100 * childCPUBurst / settled.seconds, 0)) %) |")
    print("| RSS idle, caches synced, 0 servers (MiB) | \(mib(idleRSS)) |")
    print("| RSS with \(count) servers cached, after quiet (MiB) | \(mib(cachedRSS)) |")
    print("| writes during the idle minute | \(idleWrites)\(idleWriteKinds.isEmpty ? "" : " (" + idleWriteKinds.joined(separator: ", ") + ")") |")
    print("| reads during the idle minute (watches, relists) | \(idleReads) |")
    print("| RSS at the end of the idle minute (MiB) | \(mib(idleEndRSS)) |")
    if serverCounts.count == 2 {
        print("| requests recorded by the fake server, all clients (total / writes) | \(serverCounts[0]) / \(serverCounts[1]) |")
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve": try await serve()
default: try await measure(count: Int(arguments.first ?? "1000") ?? 1000)
}
