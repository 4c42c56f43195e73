import DockerEngine
import Foundation
import Testing
import TestSupport

/// The shared state of the tests that talk to a real Docker engine: the client, this run's labels
/// (every object a test creates carries them, so the sweep at the end finds it), and a tiny image
/// built from busybox without any registry.
enum TestEngine {
    static let client = DockerClient(endpoint: (try? DockerEndpoint.fromEnvironment()) ?? .unixSocket())
    /// Unique per test process, so concurrent runs on one engine never touch each other's objects.
    static let runID = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    /// The labels of everything the tests create.
    static let labels = ["mcp-operator.test": "1", "mcp-operator.test.run": runID]
    /// The test image: busybox as /bin/busybox and /bin/sh, user 65534 by default.
    static let image = "mcp-operator-test/busybox:\(runID)"
    static let busyboxPath = "/bin/busybox"

    /// Labels plus a per-test marker.
    static func labels(_ extra: [String: String]) -> [String: String] { labels.merging(extra) { $1 } }

    /// A unique object name for this run.
    static func name(_ base: String) -> String { "mcpop-test-\(base)-\(runID)-\(UInt16.random(in: 0...UInt16.max))" }

    /// Checks the engine answers and imports the test image.
    static func prepare() async throws {
        do {
            _ = try await client.ping()
        } catch {
            throw EngineUnavailable(message: "the DockerEngine tests need a running Docker engine and none answered: \(error). Run `bash hack/docker.sh` first.")
        }
        guard FileManager.default.isExecutableFile(atPath: busyboxPath) else {
            throw EngineUnavailable(message: "the DockerEngine tests copy a static busybox into their test image and \(busyboxPath) is missing; install Debian's busybox-static (bash hack/docker.sh does)")
        }
        let rootfs = try makeRootfsTar()
        try await client.importImage(rootfs: rootfs, repository: "mcp-operator-test/busybox", tag: runID, changes: [
            "USER 65534", "WORKDIR /", "CMD [\"/bin/sh\"]", "ENV PATH=/bin",
            "LABEL mcp-operator.test=1", "LABEL mcp-operator.test.run=\(runID)",
        ])
    }

    /// A root filesystem with busybox, made with tar(1) in a temporary folder.
    static func makeRootfsTar() throws -> Data {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mcpop-rootfs-\(runID)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        for dir in ["bin", "tmp", "etc", "proc", "sys", "dev"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        // As in every distribution: a tmpfs mounted on /tmp takes the mode of the image's /tmp.
        try fm.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: root.appendingPathComponent("tmp").path)
        try fm.copyItem(atPath: busyboxPath, toPath: root.appendingPathComponent("bin/busybox").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("bin/sh").path, withDestinationPath: "busybox")
        let tarPath = root.path + ".tar"
        defer { try? fm.removeItem(atPath: tarPath) }
        try runCommand("/bin/tar", ["--owner=0", "--group=0", "--numeric-owner", "-C", root.path, "-cf", tarPath, "."])
        return try Data(contentsOf: URL(fileURLWithPath: tarPath))
    }

    /// Removes every container, network, volume and image of this run.
    static func sweep() async {
        let filters = DockerFilters.label("mcp-operator.test.run", runID)
        for container in (try? await client.listContainers(all: true, filters: filters)) ?? [] {
            try? await client.removeContainer(container.id, force: true, volumes: true)
        }
        for network in (try? await client.listNetworks(filters: filters)) ?? [] {
            try? await client.removeNetwork(network.id)
        }
        for volume in (try? await client.listVolumes(filters: filters)) ?? [] {
            try? await client.removeVolume(volume.name, force: true)
        }
        for image in (try? await client.listImages(filters: filters)) ?? [] {
            try? await client.removeImage(image.id, force: true)
        }
    }
}

/// No engine, or no busybox: the tests fail with this message rather than skip.
struct EngineUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Prepares the engine and image once for the whole suite and sweeps up after it, even when a
/// test failed.
struct DockerEngineTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await TestEngine.prepare()
        do {
            try await function()
        } catch {
            await TestEngine.sweep()
            throw error
        }
        await TestEngine.sweep()
    }
}

extension Trait where Self == DockerEngineTrait {
    /// Runs the suite against the real engine.
    static var dockerEngine: Self { Self() }
}

/// The suite of tests against the real engine; its tests live in extensions, one file per concern.
@Suite(.dockerEngine)
struct EngineTests {}

/// Records what a test creates and removes it afterwards, whether the test passed or threw.
final class Cleanup: @unchecked Sendable {
    private let lock = NSLock()
    private var containers: [String] = []
    private var networks: [String] = []
    private var volumes: [String] = []

    func container(_ id: String) { lock.withLock { containers.append(id) } }
    func network(_ id: String) { lock.withLock { networks.append(id) } }
    func volume(_ name: String) { lock.withLock { volumes.append(name) } }

    func run() async {
        let (c, n, v) = lock.withLock { (containers, networks, volumes) }
        for id in c.reversed() { try? await TestEngine.client.removeContainer(id, force: true, volumes: true) }
        for id in n.reversed() { try? await TestEngine.client.removeNetwork(id) }
        for name in v.reversed() { try? await TestEngine.client.removeVolume(name, force: true) }
    }
}

/// Runs `body` with a cleanup list and empties it afterwards.
func withCleanup<T>(_ body: (Cleanup) async throws -> T) async throws -> T {
    let cleanup = Cleanup()
    do {
        let result = try await body(cleanup)
        await cleanup.run()
        return result
    } catch {
        await cleanup.run()
        throw error
    }
}

/// Runs `operation`, failing when it takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw EngineUnavailable(message: "timed out after \(limit): \(what)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension EngineTests {
    /// Creates (and records for cleanup) a container of the test image running `command`.
    func makeContainer(_ cleanup: Cleanup, name: String? = nil, command: [String], labels: [String: String] = [:], user: String? = nil,
                       hostConfig: HostConfig = HostConfig(), network: NetworkingConfig? = nil) async throws -> String {
        let config = ContainerConfig(image: TestEngine.image, cmd: command, labels: TestEngine.labels(labels), user: user)
        let created = try await TestEngine.client.createContainer(name: name ?? TestEngine.name("c"), config: config,
                                                                  hostConfig: hostConfig, networkingConfig: network)
        cleanup.container(created.id)
        return created.id
    }
}
