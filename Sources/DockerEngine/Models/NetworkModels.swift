import Foundation

/// What `createNetwork` makes.
public struct NetworkCreateRequest: Sendable, Hashable, Encodable {
    /// The network's name (unique on the engine).
    public var name: String
    /// `bridge` (one host) by default.
    public var driver: String?
    /// No route out: the engine forwards nothing between this network and any other, so its
    /// containers reach each other only. Engines before 28 still give them a default route to
    /// the bridge, whose host end answers for the host itself: a service the host listens on at
    /// `0.0.0.0` is reachable through it (seen with Docker 20.10), so bind host services to
    /// loopback or to the networks meant to reach them.
    public var `internal`: Bool?
    /// Whether standalone containers may attach (swarm overlay networks).
    public var attachable: Bool?
    /// Enable IPv6.
    public var enableIPv6: Bool?
    /// Labels; the local reconciler records ownership here.
    public var labels: [String: String]?
    /// Driver options (`com.docker.network.bridge.enable_icc`, ...).
    public var options: [String: String]?
    /// Refuse a second network of the same name (engines before API 1.44 allow duplicates).
    public var checkDuplicate: Bool?

    public init(name: String, driver: String? = "bridge", internal: Bool? = nil, attachable: Bool? = nil,
                enableIPv6: Bool? = nil, labels: [String: String]? = nil, options: [String: String]? = nil,
                checkDuplicate: Bool? = true) {
        self.name = name
        self.driver = driver
        self.internal = `internal`
        self.attachable = attachable
        self.enableIPv6 = enableIPv6
        self.labels = labels
        self.options = options
        self.checkDuplicate = checkDuplicate
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", driver = "Driver", `internal` = "Internal", attachable = "Attachable", enableIPv6 = "EnableIPv6"
        case labels = "Labels", options = "Options", checkDuplicate = "CheckDuplicate"
    }
}

/// A network as inspected or listed.
public struct NetworkDetails: Sendable, Hashable, Decodable {
    /// Its name.
    public var name: String
    /// Its ID.
    public var id: String
    /// When it was created (RFC 3339 text).
    public var created: String?
    /// `local` or `swarm`.
    public var scope: String?
    /// `bridge`, `host`, `null`, `overlay`, ...
    public var driver: String?
    /// Whether it has no route out.
    public var `internal`: Bool
    /// Whether standalone containers may attach.
    public var attachable: Bool?
    /// Its labels.
    public var labels: [String: String]?
    /// Its driver options.
    public var options: [String: String]?
    /// Its address ranges.
    public var ipam: IPAM?
    /// Container ID → attachment (inspect only; empty in lists).
    public var containers: [String: Attachment]?

    /// The network's address management.
    public struct IPAM: Sendable, Hashable, Decodable {
        /// The subnets and gateways.
        public var config: [Pool]?
        enum CodingKeys: String, CodingKey { case config = "Config" }
    }

    /// One subnet of a network.
    public struct Pool: Sendable, Hashable, Decodable {
        /// The subnet, as CIDR.
        public var subnet: String?
        /// The gateway address.
        public var gateway: String?
        enum CodingKeys: String, CodingKey { case subnet = "Subnet", gateway = "Gateway" }
    }

    /// A container's attachment to the network.
    public struct Attachment: Sendable, Hashable, Decodable {
        /// The container's name.
        public var name: String?
        /// The endpoint's ID.
        public var endpointID: String?
        /// The container's IPv4 address with prefix length (`172.18.0.2/16`).
        public var ipv4Address: String?
        enum CodingKeys: String, CodingKey { case name = "Name", endpointID = "EndpointID", ipv4Address = "IPv4Address" }
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", id = "Id", created = "Created", scope = "Scope", driver = "Driver", `internal` = "Internal"
        case attachable = "Attachable", labels = "Labels", options = "Options", ipam = "IPAM", containers = "Containers"
    }
}
