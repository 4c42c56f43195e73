import Foundation

/// A named volume.
public struct Volume: Sendable, Hashable, Decodable {
    /// Its name.
    public var name: String
    /// `local` by default.
    public var driver: String?
    /// Where its data lives on the host.
    public var mountpoint: String?
    /// Its labels.
    public var labels: [String: String]?
    /// `local` or `global`.
    public var scope: String?
    /// When it was created (RFC 3339 text).
    public var createdAt: String?
    /// Its driver options.
    public var options: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name = "Name", driver = "Driver", mountpoint = "Mountpoint", labels = "Labels", scope = "Scope"
        case createdAt = "CreatedAt", options = "Options"
    }
}

/// What `createVolume` makes.
public struct VolumeCreateRequest: Sendable, Hashable, Encodable {
    /// The name; empty for a generated one.
    public var name: String?
    /// `local` by default.
    public var driver: String?
    /// Driver options (`type=tmpfs`, `device=tmpfs`, `o=size=100m`).
    public var driverOpts: [String: String]?
    /// Labels; the local reconciler records ownership here.
    public var labels: [String: String]?

    public init(name: String? = nil, driver: String? = nil, driverOpts: [String: String]? = nil, labels: [String: String]? = nil) {
        self.name = name
        self.driver = driver
        self.driverOpts = driverOpts
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey { case name = "Name", driver = "Driver", driverOpts = "DriverOpts", labels = "Labels" }
}

/// The answer of a volume list.
struct VolumeList: Decodable {
    var volumes: [Volume]?
    enum CodingKeys: String, CodingKey { case volumes = "Volumes" }
}
