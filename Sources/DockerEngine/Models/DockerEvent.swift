import Foundation

/// One event from the engine's `/events` stream: a container started or died, a network was
/// created, an image was loaded, ...
public struct DockerEvent: Sendable, Hashable, Decodable {
    /// `container`, `image`, `network`, `volume`, `daemon`, `plugin`, ...
    public var type: String
    /// What happened: `create`, `start`, `die`, `kill`, `oom`, `stop`, `destroy`,
    /// `health_status: healthy`, `connect`, ...
    public var action: String
    /// The object the event is about.
    public var actor: Actor
    /// `local` or `swarm`.
    public var scope: String?
    /// When it happened, in seconds since 1970.
    public var time: Int64
    /// When it happened, in nanoseconds since 1970.
    public var timeNano: Int64?

    /// The object of an event.
    public struct Actor: Sendable, Hashable, Decodable {
        /// Its ID (container ID, image ID, network ID, volume name).
        public var id: String
        /// Its labels and details: `name`, `image`, `exitCode` (on `die`), `signal` (on `kill`),
        /// the container's labels, `container` (on network `connect`).
        public var attributes: [String: String]

        enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        }
    }

    /// The exit code of a `die` event.
    public var exitCode: Int? { actor.attributes["exitCode"].flatMap(Int.init) }

    /// The time with nanoseconds, when the engine sent them.
    public var date: Date {
        if let timeNano { return Date(timeIntervalSince1970: Double(timeNano) / 1_000_000_000) }
        return Date(timeIntervalSince1970: Double(time))
    }

    enum CodingKeys: String, CodingKey { case type = "Type", action = "Action", actor = "Actor", scope, time, timeNano }
}
