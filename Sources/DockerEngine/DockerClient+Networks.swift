import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Creates a network and returns its ID. Throws with `isConflict` when the name is taken.
    @discardableResult
    public func createNetwork(_ request: NetworkCreateRequest) async throws -> String {
        var request = request
        // CheckDuplicate was removed in API 1.44, where names are always unique.
        if try await apiVersion() >= DockerAPIVersion(1, 44) { request.checkDuplicate = nil }
        let created: CreatedResponse = try await send("POST", "/networks/create", json: request)
        return created.id
    }

    /// Inspects a network by name or ID, with the containers attached to it.
    public func inspectNetwork(_ id: String) async throws -> NetworkDetails {
        try await get("/networks/\(Self.segment(id))")
    }

    /// Lists networks matching `filters` (`label`, `name`, `driver`, `type`).
    public func listNetworks(filters: DockerFilters = DockerFilters()) async throws -> [NetworkDetails] {
        try await get("/networks", query: [("filters", filters.queryValue)])
    }

    /// Attaches a container to a network, reachable there by `aliases` besides its name.
    public func connectNetwork(_ network: String, container: String, aliases: [String]? = nil) async throws {
        struct Body: Encodable {
            var container: String
            var endpointConfig: EndpointSettings
            enum CodingKeys: String, CodingKey { case container = "Container", endpointConfig = "EndpointConfig" }
        }
        let body = try Self.encoder.encode(Body(container: container, endpointConfig: EndpointSettings(aliases: aliases)))
        try await perform(method: "POST", path: "/networks/\(Self.segment(network))/connect", body: body)
    }

    /// Detaches a container from a network; `force` also when the container is not running.
    public func disconnectNetwork(_ network: String, container: String, force: Bool = false) async throws {
        struct Body: Encodable {
            var container: String
            var force: Bool
            enum CodingKeys: String, CodingKey { case container = "Container", force = "Force" }
        }
        let body = try Self.encoder.encode(Body(container: container, force: force))
        try await perform(method: "POST", path: "/networks/\(Self.segment(network))/disconnect", body: body)
    }

    /// Removes a network. Throws with `isConflict`-like status 403/409 while containers use it.
    public func removeNetwork(_ id: String) async throws {
        try await perform(method: "DELETE", path: "/networks/\(Self.segment(id))")
    }
}
