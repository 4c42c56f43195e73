import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// One resource-usage sample (`stream=false`). The engine takes two readings about a second
    /// apart so that `cpuPercent` has a previous sample to compare with.
    public func stats(_ id: String) async throws -> ContainerStats {
        try await get("/containers/\(Self.segment(id))/stats", query: [("stream", "0")])
    }

    /// A sample about every second until the container is removed or the iteration ends.
    public func streamStats(_ id: String) async throws -> DockerJSONStream<ContainerStats> {
        let (response, shown) = try await openStream(path: "/containers/\(Self.segment(id))/stats", query: [("stream", "1")])
        return DockerJSONStream(records: response.records, method: "GET", path: shown)
    }
}
