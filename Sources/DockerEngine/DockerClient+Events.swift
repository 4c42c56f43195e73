import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Subscribes to the engine's events matching `filters` (`type=container`,
    /// `label=k=v`, `event=die`, `container=<id>`). Returns once the engine has accepted the
    /// subscription, so an action taken afterwards is seen. With `since`, past events from that
    /// time (seconds since 1970) come first; with `until`, the stream ends there. Without
    /// `until` the stream lasts until the engine closes it (an engine restart ends it without
    /// an error): a watcher resubscribes with `since` set to the last event's `time`.
    public func events(filters: DockerFilters = DockerFilters(), since: Int64? = nil, until: Int64? = nil) async throws -> DockerJSONStream<DockerEvent> {
        let query: DockerQuery = [("filters", filters.queryValue), ("since", since.map(String.init)), ("until", until.map(String.init))]
        let (response, shown) = try await openStream(path: "/events", query: query)
        return DockerJSONStream(records: response.records, method: "GET", path: shown)
    }
}
