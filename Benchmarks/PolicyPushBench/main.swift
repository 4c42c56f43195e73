// policy-push-bench: from the API write of an MCPPolicy to the last gateway's acknowledgement.
//
//   policy-push-bench [--gateways 1,10,100] [--changes 200] [--gap-ms 100]
//
// For each fleet size N it starts N real `mcp-gateway` processes on 127.0.0.1 (the binary next to
// this one: build both with `swift build -c release`), a fake API server in this process, and the
// operator's MCPServer and policy controllers as Sources/mcp-operator wires them. One MCPServer
// has N ready pods, each pointing at one gateway's admin port. Each change updates the MCPPolicy
// through the API; its latency runs from just before the update request to the moment the pusher
// holds an acknowledgement of the new version from every gateway (polled every millisecond).
// Changes are `--gap-ms` apart after the previous one completed, so each is its own burst for the
// debouncer (a lone change goes out at once; see DebounceCore). Prints a Markdown table.
import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Logging
import OperatorAPI
import OperatorCore
import PolicyDistribution
import PolicyEngine
import TestSupport

struct Options {
    var gateways = [1, 10, 100]
    var changes = 200
    var gap = Duration.milliseconds(100)

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--gateways": gateways = try value.split(separator: ",").map { try parse(String($0), flag) }
            case "--changes": changes = try parse(value, flag)
            case "--gap-ms": gap = .milliseconds(try parse(value, flag))
            default: throw BenchError("unknown option \(flag)")
            }
        }
        func parse(_ text: String, _ flag: String) throws -> Int {
            guard let number = Int(text), number > 0 else { throw BenchError("\(flag): \(text) is not a positive number") }
            return number
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let token = "bench-admin-token"

func startGateways(_ count: Int, directory: String) async throws -> [(process: PeerProcess, adminPort: Int)] {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcp-gateway").path
    guard FileManager.default.isExecutableFile(atPath: executable) else { throw BenchError("\(executable) is missing: build mcp-gateway") }
    var gateways: [(PeerProcess, Int)] = []
    for _ in 0..<count {
        let process = try await PeerProcess.start(executable: executable, arguments: [
            "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--admin-token-file", directory + "/token",
            "--warm-pool", "0", "--log-level", "error", "--", "/bin/cat",
        ])
        let line = try JSONSerialization.jsonObject(with: Data(process.firstLine.utf8)) as? [String: Any]
        guard let admin = line?["adminPort"] as? Int else { throw BenchError("unexpected gateway output \(process.firstLine)") }
        gateways.append((process, admin))
    }
    return gateways
}

/// The policy of change `index`: a different denied tool each time, so each is a new version.
func policySpec(_ index: Int) -> PolicyDocument {
    PolicyDocument(serverSelector: PolicyDocument.LabelSelector(matchLabels: ["app": "bench"]), defaultAction: .deny,
                   authentication: PolicyDocument.Authentication(allowAnonymous: true),
                   roles: [PolicyDocument.Role(name: "users", subjects: ["*"], allowTools: ["*"], denyTools: ["blocked-\(index)"])])
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func run(gateways count: Int, options: Options) async throws -> (p50: Double, p99: Double, max: Double) {
    let directory = try makeTemporaryDirectory(prefix: "policy-push-bench")
    try "\(token)\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
    let gateways = try await startGateways(count, directory: directory)
    defer { for gateway in gateways { gateway.process.stop() } }

    let api = try await FakeAPIServer.start(options: .init(historyLimit: 100_000))
    api.registerBuiltins()
    api.register(MCPServer.resourceType, statusSubresource: true,
                 scale: ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas",
                                         labelSelectorPath: ".status.selector"))
    api.register(MCPPolicy.resourceType, statusSubresource: true)
    let client = KubernetesClient(configuration: ClientConfiguration(server: api.baseURL))
    var logger = Logger(label: "policy-push-bench")
    logger.logLevel = .error
    let manager = Manager(client: client, logger: logger)
    let settings = OperatorSettings(resyncPeriod: nil, planner: PlannerOptions(gatewayImage: "example.com/mcp-gateway:1", operatorNamespace: "mcp-system"))
    let servers = MCPServerController(manager: manager, settings: settings, logger: logger)
    let pusher = PolicyPusher(logger: logger)
    let policy = PolicyController(manager: manager, servers: servers, settings: settings, pusher: pusher, logger: logger)
    let managerTask = Task { try await manager.run() }
    let policyTask = Task { await policy.run() }
    defer {
        policyTask.cancel()
        managerTask.cancel()
    }

    let naming = ChildNaming(server: "bench")
    var secret = Secret(metadata: ObjectMeta(name: naming.adminSecret, namespace: "default",
                                             labels: naming.labels(component: OperatorLabels.serverComponent)), type: "Opaque")
    secret.setData(Data(token.utf8), forKey: "token")
    _ = try await client.create(secret)
    _ = try await client.create(MCPPolicy(metadata: ObjectMeta(name: "bench", namespace: "default"), spec: policySpec(0)))
    _ = try await client.create(MCPServer(metadata: ObjectMeta(name: "bench", namespace: "default", labels: ["app": "bench"]),
                                          spec: MCPServerSpec(image: "example.com/bench:1", command: ["x"], replicas: count)))
    for (index, gateway) in gateways.enumerated() {
        let pod = Pod(metadata: ObjectMeta(name: "bench-\(index)", namespace: "default", labels: naming.labels(component: OperatorLabels.serverComponent)),
                      spec: PodSpec(containers: [Container(name: "gateway", image: "example.com/mcp-gateway:1",
                                                           ports: [ContainerPort(name: "admin", containerPort: gateway.adminPort)])]))
        try api.create(Pod.resourceType, try JSONValue(encoding: pod))
        try api.modify(Pod.resourceType, namespace: "default", name: pod.name) { object in
            object["status"] = ["phase": "Running", "podIP": "127.0.0.1", "conditions": [["type": "Ready", "status": "True"]]]
        }
    }
    let group = "default/bench"
    func waitForAcks(of version: String, timeout: Duration = .seconds(30)) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = await pusher.status(of: group), status.desiredVersion == version, status.isComplete,
               status.replicas.count == count {
                return .now
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchError("\(version) did not reach all \(count) gateways within \(timeout)")
    }
    _ = try await waitForAcks(of: PolicyRelease(policySpec(0).withoutSelector).version, timeout: .seconds(60))
    try await Task.sleep(for: .milliseconds(500))

    var latencies: [Double] = []
    for index in 1...options.changes {
        let spec = policySpec(index)
        let version = PolicyRelease(spec.withoutSelector).version
        var start = ContinuousClock.now
        while true {
            // The operator writes the policy's status too: on a conflict, read it again.
            var current = try await client.get(MCPPolicy.self, name: "bench", namespace: "default")
            current.spec = spec
            start = .now
            do {
                _ = try await client.update(current)
                break
            } catch let error as KubernetesError where error.isConflict {
                continue
            }
        }
        let done = try await waitForAcks(of: version)
        latencies.append(start.duration(to: done).milliseconds)
        try await Task.sleep(for: options.gap)
    }
    // Every gateway enforces the last version.
    let transport = ControlPlaneHTTPProbe()
    let last = PolicyRelease(policySpec(options.changes).withoutSelector).version
    for gateway in gateways where try await transport.version(adminPort: gateway.adminPort) != last {
        throw BenchError("gateway on admin port \(gateway.adminPort) does not enforce \(last)")
    }
    manager.requestShutdown()
    await api.shutdown()
    let sorted = latencies.sorted()
    return (percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last ?? 0)
}

extension PolicyDocument {
    var withoutSelector: PolicyDocument {
        var copy = self
        copy.serverSelector = nil
        return copy
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    print("| gateways | changes | p50 (ms) | p99 (ms) | max (ms) |")
    print("|---:|---:|---:|---:|---:|")
    for count in options.gateways {
        let result = try await run(gateways: count, options: options)
        print(String(format: "| %d | %d | %.1f | %.1f | %.1f |", count, options.changes, result.p50, result.p99, result.max))
    }
} catch {
    FileHandle.standardError.write(Data("policy-push-bench: \(error)\n".utf8))
    exit(1)
}
