import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Creates a container (not started) and returns its ID and the engine's warnings.
    /// Throws `DockerError` with `isNotFound` when the image is missing and `isConflict` when
    /// the name is taken.
    public func createContainer(
        name: String? = nil, config: ContainerConfig, hostConfig: HostConfig = HostConfig(),
        networkingConfig: NetworkingConfig? = nil
    ) async throws -> ContainerCreated {
        let body = ContainerCreateBody(config: config, hostConfig: hostConfig, networkingConfig: networkingConfig)
        let created: CreatedResponse = try await send("POST", "/containers/create", query: [("name", name)], json: body)
        return ContainerCreated(id: created.id, warnings: created.warnings ?? [])
    }

    /// Starts a created or stopped container; starting a running one is not an error.
    public func startContainer(_ id: String) async throws {
        try await perform(method: "POST", path: "/containers/\(Self.segment(id))/start", acceptNotModified: true)
    }

    /// Stops a container: its stop signal, then SIGKILL after `timeout` (the container's own
    /// stop timeout, or 10 s, when nil). Stopping a stopped one is not an error.
    public func stopContainer(_ id: String, timeout: Duration? = nil) async throws {
        let seconds = timeout.map { Int($0.components.seconds) }
        let wait = Duration.seconds((seconds ?? 10) + 30)  // the call lasts as long as the grace period
        try await perform(method: "POST", path: "/containers/\(Self.segment(id))/stop", query: [("t", seconds.map(String.init))],
                          timeout: wait, acceptNotModified: true)
    }

    /// Restarts a container, stopping it with `timeout` first.
    public func restartContainer(_ id: String, timeout: Duration? = nil) async throws {
        let seconds = timeout.map { Int($0.components.seconds) }
        try await perform(method: "POST", path: "/containers/\(Self.segment(id))/restart", query: [("t", seconds.map(String.init))],
                          timeout: .seconds((seconds ?? 10) + 30))
    }

    /// Sends a signal (`SIGKILL` by default, or `SIGTERM`, `HUP`, `9`, ...) to a running container.
    /// Throws with `isConflict` when it is not running.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws {
        try await perform(method: "POST", path: "/containers/\(Self.segment(id))/kill", query: [("signal", signal)])
    }

    /// Removes a container; `force` kills a running one first, `volumes` also removes its
    /// anonymous volumes.
    public func removeContainer(_ id: String, force: Bool = false, volumes: Bool = false) async throws {
        try await perform(method: "DELETE", path: "/containers/\(Self.segment(id))",
                          query: [("force", force.flag), ("v", volumes.flag)])
    }

    /// Inspects a container by ID or name. Throws with `isNotFound` when there is none.
    public func inspectContainer(_ id: String) async throws -> ContainerDetails {
        try await get("/containers/\(Self.segment(id))/json")
    }

    /// Lists containers matching `filters` (labels, names, status, network); stopped ones too
    /// when `all`.
    public func listContainers(all: Bool = true, filters: DockerFilters = DockerFilters()) async throws -> [ContainerSummary] {
        try await get("/containers/json", query: [("all", all.flag), ("filters", filters.queryValue)])
    }

    /// Waits until the container reaches `condition` and returns its exit code. The call has no
    /// time limit; cancel the task to stop waiting.
    public func waitContainer(_ id: String, condition: WaitCondition = .notRunning) async throws -> ContainerWaitResult {
        let path = "/containers/\(Self.segment(id))/wait"
        let (response, shown) = try await openStream(method: "POST", path: path, query: [("condition", condition.rawValue)])
        var body = Data()
        for try await record in response.records { body.append(record) }
        return try decode(ContainerWaitResult.self, from: body, method: "POST", path: shown)
    }

    /// Renames a container.
    public func renameContainer(_ id: String, to name: String) async throws {
        try await perform(method: "POST", path: "/containers/\(Self.segment(id))/rename", query: [("name", name)])
    }
}

/// The answer of `createContainer`.
public struct ContainerCreated: Sendable, Hashable {
    /// The new container's ID.
    public var id: String
    /// What the engine warned about (a limit the kernel does not support, ...).
    public var warnings: [String]
}

/// What `waitContainer` waits for.
public enum WaitCondition: String, Sendable, Hashable, CaseIterable {
    /// The container is not running (returns at once when it is stopped already).
    case notRunning = "not-running"
    /// The container's next exit after the call.
    case nextExit = "next-exit"
    /// The container is removed.
    case removed
}

/// The outcome of `waitContainer`.
public struct ContainerWaitResult: Sendable, Hashable, Decodable {
    /// The container's exit code.
    public var statusCode: Int
    /// Why waiting failed, when it did.
    public var error: WaitError?

    /// The engine's error detail of a wait.
    public struct WaitError: Sendable, Hashable, Decodable {
        /// The engine's message.
        public var message: String?
        enum CodingKeys: String, CodingKey { case message = "Message" }
    }

    enum CodingKeys: String, CodingKey { case statusCode = "StatusCode", error = "Error" }
}

/// The create body: `Config`'s fields at the top level, with `HostConfig` and `NetworkingConfig` beside them.
struct ContainerCreateBody: Encodable {
    var config: ContainerConfig
    var hostConfig: HostConfig
    var networkingConfig: NetworkingConfig?

    enum CodingKeys: String, CodingKey { case hostConfig = "HostConfig", networkingConfig = "NetworkingConfig" }

    func encode(to encoder: any Encoder) throws {
        try config.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hostConfig, forKey: .hostConfig)
        try container.encodeIfPresent(networkingConfig, forKey: .networkingConfig)
    }
}

/// The limits `updateContainer` changes on a running container; nil fields are left alone.
public struct ContainerResourceUpdate: Sendable, Hashable, Encodable {
    /// Memory limit in bytes.
    public var memory: Int64?
    /// Memory plus swap in bytes.
    public var memorySwap: Int64?
    /// CPU quota in billionths of a CPU.
    public var nanoCpus: Int64?
    /// The most processes.
    public var pidsLimit: Int64?

    public init(memory: Int64? = nil, memorySwap: Int64? = nil, nanoCpus: Int64? = nil, pidsLimit: Int64? = nil) {
        self.memory = memory
        self.memorySwap = memorySwap
        self.nanoCpus = nanoCpus
        self.pidsLimit = pidsLimit
    }

    enum CodingKeys: String, CodingKey { case memory = "Memory", memorySwap = "MemorySwap", nanoCpus = "NanoCpus", pidsLimit = "PidsLimit" }
}

extension DockerClient {
    /// Changes a container's resource limits in place (`docker update`) and returns the
    /// engine's warnings.
    @discardableResult
    public func updateContainer(_ id: String, _ update: ContainerResourceUpdate) async throws -> [String] {
        struct Answer: Decodable {
            var warnings: [String]?
            enum CodingKeys: String, CodingKey { case warnings = "Warnings" }
        }
        let answer: Answer = try await send("POST", "/containers/\(Self.segment(id))/update", json: update)
        return answer.warnings ?? []
    }
}
