import Foundation
import KubeClient
import KubeTesting
import OperatorAPI
import Testing
import TestSupport
import TestPolling

/// The `mcp-operator` executable as a user runs it: flags, probes, metrics, SIGTERM, and
/// leader election between two processes, against the fake API server.
@Suite(.serialized) struct OperatorProcessTests {
    static let leaseName = "mcp-operator-leader"

    /// Runs `body` with a fake API server, a client for it and a temporary directory holding a
    /// kubeconfig; stops every operator process the body started.
    func withCluster(_ body: (FakeAPIServer, KubernetesClient, _ kubeconfig: String, _ directory: String,
                              _ started: ProcessList) async throws -> Void) async throws {
        let server = try await startOperatorAPIServer()
        let directory = try makeTemporaryDirectory(prefix: "operator-process")
        let kubeconfig = try server.writeKubeconfig(in: directory)
        let client = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL), retryPolicy: .none)
        let started = ProcessList()
        do {
            try await body(server, client, kubeconfig, directory, started)
        } catch {
            await started.stopAll()
            await server.shutdown()
            throw error
        }
        await started.stopAll()
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func server(_ name: String, namespace: String = "default") -> MCPServer {
        MCPServer(metadata: ObjectMeta(name: name, namespace: namespace),
                  spec: MCPServerSpec(image: "example.com/files:1", command: ["node", "server.js"], replicas: 1))
    }

    func isReconciled(_ api: FakeAPIServer, _ name: String, namespace: String = "default") -> Bool {
        guard let object = api.object(MCPServer.resourceType, namespace: namespace, name: name),
              let generation = object["metadata"]?["generation"] else { return false }
        return object["status"]?["observedGeneration"] == generation
            && api.object(Deployment.resourceType, namespace: namespace, name: name) != nil
    }

    func leaseHolder(_ api: FakeAPIServer) -> String? {
        api.object(Lease.resourceType, namespace: "default", name: Self.leaseName)?["spec"]?["holderIdentity"]?.stringValue
    }

    /// The value of the single sample of `name` whose labels contain every one of `labels`.
    func value(_ exposition: String, _ name: String, _ labels: [String] = []) -> Double? {
        let lines = samples(exposition, name).filter { line in labels.allSatisfy { line.contains($0) } }
        return lines.first.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    // MARK: Flags

    @Test func badFlagsExitWithOneLineNamingTheFlag() async throws {
        let executable = try await OperatorProcess.executable()
        let cases: [([String], String)] = [
            (["--log-level", "loud"], "--log-level"),
            (["--max-concurrent-reconciles", "0"], "--max-concurrent-reconciles"),
            (["--metrics-bind-address", "localhost"], "--metrics-bind-address"),
            (["--log-format", "xml"], "--log-format"),
            (["--gateway-image-pull-policy", "ifnotpresent"], "--gateway-image-pull-policy: expected one of Always, IfNotPresent, Never, got \"ifnotpresent\""),
            (["--kubeconfig", "/nonexistent/kubeconfig"], "cannot load the Kubernetes client configuration"),
        ]
        for (arguments, expected) in cases {
            do {
                try await runCommandAsync(executable, arguments)
                Issue.record("mcp-operator \(arguments) exited 0")
            } catch let error as PeerProcessError {
                #expect(error.message.contains(expected), "\(arguments): \(error.message)")
                #expect(!error.message.contains("Fatal error"), "\(arguments) crashed: \(error.message)")
            }
        }
        let help = try await runCommandAsync(executable, ["--help"])
        for flag in ["--kubeconfig", "--context", "--namespace", "--leader-elect", "--metrics-bind-address",
                     "--health-probe-bind-address", "--max-concurrent-reconciles", "--log-format", "--log-level",
                     "--gateway-image-pull-policy"] {
            #expect(help.contains(flag), "--help does not mention \(flag)")
        }
    }

    // MARK: Probes, metrics, shutdown

    @Test func servesProbesAndMetricsReconcilesItsNamespaceAndStopsOnSIGTERM() async throws {
        try await withCluster { api, client, kubeconfig, directory, started in
            let executable = try await OperatorProcess.executable()
            let operatorProcess = try started.add(OperatorProcess(
                executable: executable,
                arguments: ["--kubeconfig", kubeconfig, "--namespace", "default", "--max-concurrent-reconciles", "3",
                            "--log-format", "json", "--log-level", "info"],
                directory: directory))
            await eventually("/healthz answers", timeout: .seconds(30)) { await operatorProcess.get("/healthz").code == 200 }
            await eventually("/readyz is ready", timeout: .seconds(30)) { await operatorProcess.get("/readyz").code == 200 }

            _ = try await client.create(server("files"))
            _ = try await client.create(server("elsewhere", namespace: "other"))
            await eventually("the server in the watched namespace is reconciled", timeout: .seconds(30)) { isReconciled(api, "files") }
            #expect(api.object(Deployment.resourceType, namespace: "other", name: "elsewhere") == nil)

            let metrics = await operatorProcess.get("/metrics", metrics: true)
            #expect(metrics.code == 200)
            let text = metrics.body
            #expect((value(text, "controller_runtime_reconcile_total", ["controller=\"mcpserver\"", "result=\"success\""]) ?? 0) >= 1)
            #expect(value(text, "controller_runtime_reconcile_errors_total", ["controller=\"mcpserver\""]) != nil)
            #expect((value(text, "controller_runtime_reconcile_time_seconds_count", ["controller=\"mcpserver\""]) ?? 0) >= 1)
            #expect(value(text, "workqueue_depth", ["name=\"mcpserver\""]) != nil)
            #expect((value(text, "workqueue_adds_total", ["name=\"mcpserver\""]) ?? 0) >= 1)
            #expect((value(text, "workqueue_queue_duration_seconds_count", ["name=\"mcpserver\""]) ?? 0) >= 1)
            #expect(value(text, "workqueue_retries_total", ["name=\"mcpserver\""]) != nil)
            #expect((value(text, "rest_client_requests_total", ["verb=\"GET\"", "code=\"200\""]) ?? 0) >= 1)
            #expect((value(text, "rest_client_requests_total", ["verb=\"PATCH\""]) ?? 0) >= 1)

            // Every log line is one JSON object with an RFC 3339 time, the level and the message.
            let lines = operatorProcess.log.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["level"] != nil && object?["msg"] != nil, "not a JSON log line: \(line)")
                #expect((object?["ts"] as? String).flatMap(KubeTime.date(from:)) != nil, "no RFC 3339 time: \(line)")
            }

            operatorProcess.signal(SIGTERM)
            let status = await operatorProcess.exitStatus(within: .seconds(25))
            #expect(status == 0, "exit status after SIGTERM: \(String(describing: status))\n\(operatorProcess.log)")
            #expect(operatorProcess.log.contains("manager stopped"))
        }
    }

    @Test func missingRBACIsALogLineAndANotReadyProbe() async throws {
        try await withCluster { api, _, kubeconfig, directory, started in
            // The operator may not list or watch Secrets.
            api.injectFailures(count: 1_000_000, status: 403) { $0.method == "GET" && $0.path.hasSuffix("/secrets") }
            let executable = try await OperatorProcess.executable()
            let operatorProcess = try started.add(OperatorProcess(
                executable: executable, arguments: ["--kubeconfig", kubeconfig, "--log-format", "text"], directory: directory))
            await eventually("/healthz answers", timeout: .seconds(30)) { await operatorProcess.get("/healthz").code == 200 }
            await eventually("the RBAC log line", timeout: .seconds(30)) {
                operatorProcess.log.split(separator: "\n").contains { $0.contains("RBAC") && $0.contains("secrets") }
            }
            let ready = await operatorProcess.get("/readyz")
            #expect(ready.code == 503)
            #expect(ready.body.contains("secrets") && ready.body.contains("403"), "\(ready.body)")
            #expect(await operatorProcess.get("/healthz").code == 200)
        }
    }

    // MARK: Leader election

    func startCandidate(_ identity: String, executable: String, kubeconfig: String, directory: String,
                        started: ProcessList) throws -> OperatorProcess {
        try started.add(OperatorProcess(
            executable: executable,
            arguments: ["--kubeconfig", kubeconfig, "--leader-elect", "--leader-election-namespace", "default", "--log-format", "text"],
            directory: directory, identity: identity))
    }

    func leaderStatus(_ candidate: OperatorProcess) async -> Double? {
        value(await candidate.get("/metrics", metrics: true).body, "leader_election_master_status")
    }

    @Test func twoInstancesElectOneLeaderAndTheOtherTakesOverWhenItStops() async throws {
        try await withCluster { api, client, kubeconfig, directory, started in
            let executable = try await OperatorProcess.executable()
            let first = try startCandidate("operator-a", executable: executable, kubeconfig: kubeconfig, directory: directory, started: started)
            await eventually("operator-a leads", timeout: .seconds(30)) { leaseHolder(api) == "operator-a" }
            let second = try startCandidate("operator-b", executable: executable, kubeconfig: kubeconfig, directory: directory, started: started)
            await eventually("operator-b's caches sync", timeout: .seconds(30)) { await second.get("/readyz").code == 200 }

            _ = try await client.create(server("one"))
            await eventually("the leader reconciles", timeout: .seconds(30)) { isReconciled(api, "one") }
            #expect(leaseHolder(api) == "operator-a")
            #expect(await leaderStatus(first) == 1)
            #expect(await leaderStatus(second) == 0)
            #expect(!second.log.contains("acquired leadership"))

            // A graceful stop releases the lease: the standby takes over without waiting for it to expire.
            first.signal(SIGTERM)
            #expect(await first.exitStatus(within: .seconds(25)) == 0)
            #expect(first.log.contains("released the lease"), "\(first.log)")
            await eventually("operator-b leads", timeout: .seconds(30)) { leaseHolder(api) == "operator-b" }
            _ = try await client.create(server("two"))
            await eventually("the new leader reconciles", timeout: .seconds(30)) { isReconciled(api, "two") }
            #expect(await leaderStatus(second) == 1)
        }
    }

    @Test func aKilledLeaderIsReplacedOnceItsLeaseExpires() async throws {
        try await withCluster { api, client, kubeconfig, directory, started in
            let executable = try await OperatorProcess.executable()
            let first = try startCandidate("operator-a", executable: executable, kubeconfig: kubeconfig, directory: directory, started: started)
            await eventually("operator-a leads", timeout: .seconds(30)) { leaseHolder(api) == "operator-a" }
            let second = try startCandidate("operator-b", executable: executable, kubeconfig: kubeconfig, directory: directory, started: started)
            await eventually("operator-b's caches sync", timeout: .seconds(30)) { await second.get("/readyz").code == 200 }

            first.signal(SIGKILL)
            _ = await first.exitStatus(within: .seconds(10))
            // Not released: operator-b waits out the 15 s lease, then acquires it.
            await eventually("operator-b leads", timeout: .seconds(60)) { leaseHolder(api) == "operator-b" }
            // It logs after the Lease write the line above saw.
            await eventually("operator-b logs it", timeout: .seconds(10)) { second.log.contains("acquired leadership") }
            _ = try await client.create(server("after-failover"))
            await eventually("the new leader reconciles", timeout: .seconds(30)) { isReconciled(api, "after-failover") }
        }
    }
}

/// The operator processes a test started, stopped at its end.
final class ProcessList: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [OperatorProcess] = []

    func add(_ process: OperatorProcess) -> OperatorProcess {
        lock.withLock { processes.append(process) }
        return process
    }

    func stopAll() async {
        for process in lock.withLock({ processes }) { await process.stop() }
    }
}
