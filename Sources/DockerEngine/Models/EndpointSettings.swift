import Foundation

/// A container's attachment to one network: the aliases other containers reach it by, and,
/// when inspected, its address there.
public struct EndpointSettings: Sendable, Hashable, Codable {
    /// Extra DNS names of the container on this network.
    public var aliases: [String]?
    /// The network's ID (inspect).
    public var networkID: String?
    /// The endpoint's ID (inspect).
    public var endpointID: String?
    /// The gateway address on this network (inspect).
    public var gateway: String?
    /// The container's IPv4 address on this network (inspect).
    public var ipAddress: String?
    /// The prefix length of `ipAddress` (inspect).
    public var ipPrefixLen: Int?
    /// The container's MAC address on this network.
    public var macAddress: String?
    /// DNS names the engine registered for the container on this network (API 1.45 and later).
    public var dnsNames: [String]?

    public init(aliases: [String]? = nil) {
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case aliases = "Aliases", networkID = "NetworkID", endpointID = "EndpointID", gateway = "Gateway"
        case ipAddress = "IPAddress", ipPrefixLen = "IPPrefixLen", macAddress = "MacAddress", dnsNames = "DNSNames"
    }
}

/// The networks a new container joins: network name → attachment. The engine takes one network
/// at create time before API 1.44; connect the others after create.
public struct NetworkingConfig: Sendable, Hashable, Codable {
    /// Network name or ID → attachment.
    public var endpointsConfig: [String: EndpointSettings]

    public init(endpointsConfig: [String: EndpointSettings] = [:]) {
        self.endpointsConfig = endpointsConfig
    }

    /// Joins one network with these aliases.
    public static func network(_ name: String, aliases: [String]? = nil) -> NetworkingConfig {
        NetworkingConfig(endpointsConfig: [name: EndpointSettings(aliases: aliases)])
    }

    enum CodingKeys: String, CodingKey { case endpointsConfig = "EndpointsConfig" }
}
