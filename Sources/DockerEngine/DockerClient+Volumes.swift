import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Creates a volume (or returns the existing one of that name).
    @discardableResult
    public func createVolume(_ request: VolumeCreateRequest) async throws -> Volume {
        try await send("POST", "/volumes/create", json: request)
    }

    /// Inspects a volume by name.
    public func inspectVolume(_ name: String) async throws -> Volume {
        try await get("/volumes/\(Self.segment(name))")
    }

    /// Lists volumes matching `filters` (`label`, `name`, `dangling`, `driver`).
    public func listVolumes(filters: DockerFilters = DockerFilters()) async throws -> [Volume] {
        let list: VolumeList = try await get("/volumes", query: [("filters", filters.queryValue)])
        return list.volumes ?? []
    }

    /// Removes a volume. Throws with `isConflict` while a container uses it, unless `force`.
    public func removeVolume(_ name: String, force: Bool = false) async throws {
        try await perform(method: "DELETE", path: "/volumes/\(Self.segment(name))", query: [("force", force.flag)])
    }
}
