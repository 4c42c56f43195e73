import Foundation

/// A container as `list` shows it.
public struct ContainerSummary: Sendable, Hashable, Decodable {
    /// The full ID.
    public var id: String
    /// Its names, each with a leading `/`.
    public var names: [String]
    /// The image reference it was created from.
    public var image: String
    /// The image's ID.
    public var imageID: String?
    /// The command, as one line.
    public var command: String?
    /// When it was created, in seconds since 1970.
    public var created: Int64
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var state: String
    /// The human status, such as `Up 3 minutes` or `Exited (0) 2 seconds ago`.
    public var status: String
    /// Its labels.
    public var labels: [String: String]?
    /// Its network attachments.
    public var networkSettings: Networks?

    /// The first name without its leading `/`.
    public var name: String? { names.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } }

    /// Network attachments in a list answer.
    public struct Networks: Sendable, Hashable, Decodable {
        /// Network name → attachment.
        public var networks: [String: EndpointSettings]?
        enum CodingKeys: String, CodingKey { case networks = "Networks" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", imageID = "ImageID", command = "Command", created = "Created"
        case state = "State", status = "Status", labels = "Labels", networkSettings = "NetworkSettings"
    }
}
