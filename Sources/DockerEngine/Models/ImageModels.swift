import Foundation

/// An image as `inspect` shows it.
public struct ImageDetails: Sendable, Hashable, Decodable {
    /// The image ID (`sha256:...`).
    public var id: String
    /// The references that name it (`name:tag`).
    public var repoTags: [String]?
    /// Registry digests, for pulled images.
    public var repoDigests: [String]?
    /// When it was built (RFC 3339 text).
    public var created: String?
    /// Its size in bytes.
    public var size: Int64?
    /// `amd64`, `arm64`, ...
    public var architecture: String?
    /// `linux`, ...
    public var os: String?
    /// The defaults a container of it starts with (command, user, environment, labels, ports).
    public var config: ContainerConfig?

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", repoDigests = "RepoDigests", created = "Created", size = "Size"
        case architecture = "Architecture", os = "Os", config = "Config"
    }
}

/// An image as `list` shows it.
public struct ImageSummary: Sendable, Hashable, Decodable {
    /// The image ID.
    public var id: String
    /// The references that name it.
    public var repoTags: [String]?
    /// When it was built, in seconds since 1970.
    public var created: Int64
    /// Its size in bytes.
    public var size: Int64
    /// Its labels.
    public var labels: [String: String]?

    enum CodingKeys: String, CodingKey { case id = "Id", repoTags = "RepoTags", created = "Created", size = "Size", labels = "Labels" }
}

/// One entry of an image removal: a reference untagged or a layer deleted.
public struct ImageDeleteItem: Sendable, Hashable, Decodable {
    /// A reference that was removed.
    public var untagged: String?
    /// An image or layer ID that was deleted.
    public var deleted: String?

    enum CodingKeys: String, CodingKey { case untagged = "Untagged", deleted = "Deleted" }
}
