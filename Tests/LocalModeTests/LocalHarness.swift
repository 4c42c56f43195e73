import DockerEngine
import Foundation
import KubeModel
import LocalMode
import LocalStore
import Testing
import TestSupport

/// Shared state of the tests against the real Docker engine: the client, this run's label and
/// image tag (every object a test makes carries the label, so the sweep finds it even after a
/// failure), the project's images built from the debug binaries by hack/images.sh, and a busybox
/// image for probes.
enum LocalHarness {
    static let docker = DockerClient(endpoint: (try? DockerEndpoint.fromEnvironment()) ?? .unixSocket())
    static let runID = "\(getpid())\(UInt16.random(in: 0...UInt16.max))"
    static let runLabel = ["mcp-operator.test.run": "local-\(runID)"]
    static let tag = "localtest-\(runID)"
    static let gatewayImage = "mcp-operator/gateway:\(tag)"
    static let postsImage = "mcp-operator/sample-posts:\(tag)"
    static let textImage = "mcp-operator/sample-text:\(tag)"
    static let probeImage = "mcp-operator-test/local-probe:\(tag)"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private static let prepared = Task<Void, any Error> { try await prepare() }

    /// Checks the engine and builds the images, once per process.
    static func ensurePrepared() async throws { try await prepared.value }

    private static func prepare() async throws {
        do {
            _ = try await docker.ping()
        } catch {
            throw HarnessFailure("the local-mode tests need a running Docker engine and none answered: \(error). Run `bash hack/docker.sh` first.")
        }
        // The real images, from the binaries this test run was built with.
        try await runCommandAsync("/usr/bin/env", ["MCP_IMAGE_TAG=\(tag)", "bash", "\(packageRoot)/hack/images.sh", "--debug",
                                                   "gateway", "sample-posts", "sample-text"], in: packageRoot)
        for image in [gatewayImage, postsImage, textImage] { _ = try await docker.inspectImage(image) }
        try await docker.importImage(rootfs: try probeRootfs(), repository: "mcp-operator-test/local-probe", tag: tag, changes: [
            "USER 65534", "CMD [\"/bin/sh\"]", "ENV PATH=/bin", "LABEL mcp-operator.test.run=local-\(runID)",
        ])
    }

    /// busybox as /bin/busybox and /bin/sh (hack/docker.sh installs busybox-static).
    private static func probeRootfs() throws -> Data {
        let busybox = "/bin/busybox"
        guard let binary = FileManager.default.contents(atPath: busybox) else {
            throw HarnessFailure("the probes need a static busybox at \(busybox); install Debian's busybox-static (bash hack/docker.sh does)")
        }
        return try TarArchive([
            .directory("bin"), .directory("tmp", mode: 0o1777), .directory("www", mode: 0o755),
            .file("bin/busybox", binary, mode: 0o755), .file("www/index.html", Data("listener\n".utf8)),
        ]).data()
    }

    /// Removes everything of this run: containers, networks, volumes, images.
    static func sweep() async {
        let filters = DockerFilters.labels(runLabel)
        for container in (try? await docker.listContainers(all: true, filters: filters)) ?? [] {
            try? await docker.removeContainer(container.id, force: true, volumes: true)
        }
        for network in (try? await docker.listNetworks(filters: filters)) ?? [] { try? await docker.removeNetwork(network.id) }
        for volume in (try? await docker.listVolumes(filters: filters)) ?? [] { try? await docker.removeVolume(volume.name, force: true) }
        for image in [gatewayImage, postsImage, textImage, probeImage] { try? await docker.removeImage(image, force: true) }
    }

    /// Waits until `check` holds, polling; fails naming `what` after `limit` (a bound on a hang,
    /// not a speed claim).
    static func eventually(_ what: String, within limit: Duration = .seconds(120),
                           _ check: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if try await check() { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw HarnessFailure("gave up waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
    }

    /// Runs a one-shot probe command (busybox) with `hostConfig` (such as another container's
    /// network namespace) and returns its exit code and output.
    static func probe(_ command: [String], hostConfig: HostConfig, network: NetworkingConfig? = nil) async throws -> (Int, String) {
        let config = ContainerConfig(image: probeImage, cmd: command, labels: runLabel)
        let created = try await docker.createContainer(name: "local-probe-\(runID)-\(UInt32.random(in: 0...UInt32.max))", config: config,
                                                       hostConfig: hostConfig, networkingConfig: network)
        defer { Task { try? await docker.removeContainer(created.id, force: true) } }
        try await docker.startContainer(created.id)
        let result = try await docker.waitContainer(created.id)
        let logs = try await docker.logs(created.id)
        return (result.statusCode, logs.stdout + logs.stderr)
    }
}

extension LocalHarness {
    /// An HTTP GET made with busybox `nc` from a probe container (busybox's `wget` is not usable
    /// in a static build without a resolver): the raw answer, then `exit N` with nc's status.
    static func httpGet(_ host: String, _ port: Int, _ path: String, hostConfig: HostConfig,
                        network: NetworkingConfig? = nil) async throws -> String {
        let script = "printf 'GET \(path) HTTP/1.0\\r\\nHost: \(host)\\r\\n\\r\\n' | /bin/busybox nc -w 3 \(host) \(port); echo \"exit $?\""
        return try await probe(["/bin/busybox", "sh", "-c", script], hostConfig: hostConfig, network: network).1
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A controller on a fresh store, with this run's prefix, instance and label.
final class LocalFixture: Sendable {
    let directory: String
    let store: LocalStateStore
    let controller: LocalController
    let options: LocalControllerOptions
    private let task: Task<Void, any Error>

    init(name: String) throws {
        directory = try makeTemporaryDirectory(prefix: "local-mode-\(name)")
        store = try LocalStateStore(directory: directory)
        let plan = LocalPlanOptions(gatewayImage: LocalHarness.gatewayImage, namePrefix: "mcpt\(LocalHarness.runID)",
                                    instance: "test-\(LocalHarness.runID)-\(name)", extraLabels: LocalHarness.runLabel)
        options = LocalControllerOptions(plan: plan, resyncInterval: .seconds(3), statsInterval: .seconds(2),
                                         restartBackoff: .init(baseDelay: .seconds(1), maxDelay: .seconds(4), resetAfter: .seconds(60)),
                                         pusher: .init(verifyInterval: .seconds(5)))
        controller = LocalController(store: store, docker: LocalHarness.docker, options: options)
        let controller = self.controller
        task = Task { try await controller.run() }
    }

    /// Stops the controller and removes the store's folder.
    func stop() async {
        controller.stop()
        _ = await task.result
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Applies a manifest.
    func apply(_ object: JSONValue) throws { _ = try store.apply(object, source: "test") }

    /// The server as stored.
    func server(_ name: String, namespace: String = "default") throws -> StoredObject? {
        try store.get(.server, namespace: namespace, name: name)
    }

    /// The status condition `type` of a server.
    func condition(_ name: String, _ type: String) throws -> JSONValue? {
        try server(name)?.status?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    /// The labels selecting everything of one server.
    func ownerLabels(_ name: String, namespace: String = "default") -> [String: String] {
        LocalHarness.runLabel.merging([LocalLabels.instance: options.plan.instance, LocalLabels.namespace: namespace,
                                       LocalLabels.server: name]) { $1 }
    }
}

/// Runs `body` with a started controller and stops it afterwards, whether the body passed or threw.
func withLocalController(_ name: String, _ body: (LocalFixture) async throws -> Void) async throws {
    try await LocalHarness.ensurePrepared()
    let fixture = try LocalFixture(name: name)
    do {
        try await body(fixture)
    } catch {
        await fixture.stop()
        throw error
    }
    await fixture.stop()
}

/// Prepares the engine and images once and sweeps this run's objects after the suite, even
/// when a test failed.
struct LocalEngineTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        do {
            try await function()
        } catch {
            await LocalHarness.sweep()
            throw error
        }
        await LocalHarness.sweep()
    }
}

extension Trait where Self == LocalEngineTrait {
    /// Runs the suite against the real engine and cleans up after it.
    static var localEngine: Self { Self() }
}

/// The official MCP Python SDK as a client: lists the tools and makes the given calls.
enum PythonClient {
    static let script = """
    import asyncio, json, sys
    from mcp import Client

    async def run(url, calls):
        report = {"calls": []}
        async with Client(url, mode="legacy") as client:
            tools = await client.list_tools()
            report["tools"] = sorted(tool.name for tool in tools.tools)
            for name, arguments in calls:
                try:
                    result = await client.call_tool(name, arguments)
                    text = "".join(getattr(block, "text", "") for block in result.content)
                    report["calls"].append({"tool": name, "text": text, "is_error": bool(result.is_error)})
                except Exception as error:
                    report["calls"].append({"tool": name, "error": str(error)})
        return report

    print(json.dumps(asyncio.run(asyncio.wait_for(run(sys.argv[1], json.loads(sys.argv[2])), 60))), flush=True)
    """

    /// The report: `tools` (sorted names) and `calls` (`tool`, `text`, `is_error` or `error`).
    static func run(_ url: String, calls: [(String, JSONValue)]) async throws -> JSONValue {
        let path = NSTemporaryDirectory() + "local-mcp-client-\(LocalHarness.runID).py"
        if !FileManager.default.fileExists(atPath: path) {
            try script.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let arguments = JSONValue.array(calls.map { JSONValue.array([.string($0.0), $0.1]) })
        let text = String(decoding: try arguments.data(), as: UTF8.self)
        let output = try await runCommandAsync("/usr/bin/env", ["python3", path, url, text])
        guard let line = output.split(separator: "\n").last, let json = try? JSONValue(parsing: Data(line.utf8)) else {
            throw HarnessFailure("the MCP client printed no JSON: \(output)")
        }
        return json
    }
}
