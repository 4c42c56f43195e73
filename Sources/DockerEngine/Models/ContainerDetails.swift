import Foundation

/// A container as `inspect` shows it: its configuration, host configuration, state and networks.
public struct ContainerDetails: Sendable, Hashable, Decodable {
    /// The full ID.
    public var id: String
    /// The name, with the engine's leading `/`.
    public var name: String
    /// When it was created (RFC 3339 text).
    public var created: String?
    /// The ID of the image it runs.
    public var image: String
    /// Its run state.
    public var state: ContainerState
    /// The configuration it was created with, merged with the image's.
    public var config: ContainerConfig
    /// The host configuration it was created with.
    public var hostConfig: HostConfig
    /// Its network attachments.
    public var networkSettings: NetworkSettings
    /// How often the engine restarted it under its restart policy.
    public var restartCount: Int
    /// What is mounted into it.
    public var mounts: [MountPoint]?

    /// The name without the leading `/`.
    public var plainName: String { name.hasPrefix("/") ? String(name.dropFirst()) : name }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", image = "Image", state = "State", config = "Config"
        case hostConfig = "HostConfig", networkSettings = "NetworkSettings", restartCount = "RestartCount", mounts = "Mounts"
    }
}

/// A container's run state.
public struct ContainerState: Sendable, Hashable, Decodable {
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var status: String
    /// Whether its process runs (also while paused).
    public var running: Bool
    /// Whether it is paused.
    public var paused: Bool?
    /// Whether the engine is restarting it.
    public var restarting: Bool?
    /// Whether the kernel killed it for exceeding its memory limit.
    public var oomKilled: Bool
    /// Whether it is dead (removal failed).
    public var dead: Bool?
    /// The host PID of its main process; 0 when not running.
    public var pid: Int?
    /// The exit code of its last run.
    public var exitCode: Int
    /// Why the engine could not start it, when it could not.
    public var error: String?
    /// When the last run started (RFC 3339 text, `0001-01-01T00:00:00Z` for never).
    public var startedAt: String?
    /// When the last run ended (RFC 3339 text, `0001-01-01T00:00:00Z` for never).
    public var finishedAt: String?
    /// Health-check state, for a container with a health check.
    public var health: ContainerHealth?

    /// `startedAt` as a date; nil for never.
    public var startedDate: Date? { startedAt.flatMap(DockerTimestamp.parse) }
    /// `finishedAt` as a date; nil for never.
    public var finishedDate: Date? { finishedAt.flatMap(DockerTimestamp.parse) }

    enum CodingKeys: String, CodingKey {
        case status = "Status", running = "Running", paused = "Paused", restarting = "Restarting", oomKilled = "OOMKilled"
        case dead = "Dead", pid = "Pid", exitCode = "ExitCode", error = "Error", startedAt = "StartedAt"
        case finishedAt = "FinishedAt", health = "Health"
    }
}

/// A container's health-check state.
public struct ContainerHealth: Sendable, Hashable, Decodable {
    /// `starting`, `healthy` or `unhealthy`.
    public var status: String
    /// Consecutive failed checks.
    public var failingStreak: Int?
    /// The latest checks.
    public var log: [Entry]?

    /// One health-check run.
    public struct Entry: Sendable, Hashable, Decodable {
        /// The check's exit code (0 healthy).
        public var exitCode: Int?
        /// The check's output, truncated by the engine.
        public var output: String?
        enum CodingKeys: String, CodingKey { case exitCode = "ExitCode", output = "Output" }
    }

    enum CodingKeys: String, CodingKey { case status = "Status", failingStreak = "FailingStreak", log = "Log" }
}

/// A container's networking as inspected.
public struct NetworkSettings: Sendable, Hashable, Decodable {
    /// Network name → the container's attachment and address there.
    public var networks: [String: EndpointSettings]?
    /// Container port → host bindings, for published ports.
    public var ports: [String: [PortBinding]?]?

    enum CodingKeys: String, CodingKey { case networks = "Networks", ports = "Ports" }
}

/// A mount as inspected.
public struct MountPoint: Sendable, Hashable, Decodable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String?
    /// The volume's name, for volumes.
    public var name: String?
    /// The host path.
    public var source: String?
    /// The path inside the container.
    public var destination: String
    /// Whether it is writable.
    public var rw: Bool?

    enum CodingKeys: String, CodingKey { case type = "Type", name = "Name", source = "Source", destination = "Destination", rw = "RW" }
}
