import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Inspects an image by reference or ID. Throws with `isNotFound` (`No such image: x`) when
    /// it is not on the engine.
    public func inspectImage(_ name: String) async throws -> ImageDetails {
        try await get("/images/\(Self.imageSegment(name))/json")
    }

    /// Lists images matching `filters` (`reference`, `label`, `dangling`).
    public func listImages(all: Bool = false, filters: DockerFilters = DockerFilters()) async throws -> [ImageSummary] {
        try await get("/images/json", query: [("all", all.flag), ("filters", filters.queryValue)])
    }

    /// Loads images from a `docker save` archive (a tar with `manifest.json`, image configs and
    /// layer tars, or an OCI layout) and returns the references and IDs the engine reported.
    /// No registry is involved. Errors inside the engine's progress stream are thrown.
    @discardableResult
    public func loadImage(archive: Data, timeout: Duration = .seconds(600)) async throws -> [String] {
        let path = "/images/load"
        let response = try await perform(method: "POST", path: path, query: [("quiet", "1")], body: archive,
                                         contentType: "application/x-tar", timeout: timeout)
        let messages = try checkProgress(response.body, method: "POST", path: path)
        return messages.compactMap(\.stream).flatMap { $0.split(separator: "\n") }.compactMap { line in
            for prefix in ["Loaded image: ", "Loaded image ID: "] where line.hasPrefix(prefix) {
                return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
    }

    /// Creates a one-layer image from a root filesystem tar (`docker import`), tagged
    /// `repository:tag`, with Dockerfile-like `changes` (`CMD ["/bin/app"]`, `USER 65534`,
    /// `ENV A=b`, `LABEL k=v`, `EXPOSE 8080`, `WORKDIR /`, `ENTRYPOINT [...]`). Returns the image ID.
    @discardableResult
    public func importImage(rootfs: Data, repository: String, tag: String = "latest", changes: [String] = [],
                            message: String? = nil, timeout: Duration = .seconds(600)) async throws -> String {
        let path = "/images/create"
        var query: DockerQuery = [("fromSrc", "-"), ("repo", repository), ("tag", tag), ("message", message)]
        query += changes.map { ("changes", $0) }
        let response = try await perform(method: "POST", path: path, query: query, body: rootfs,
                                         contentType: "application/x-tar", timeout: timeout)
        let messages = try checkProgress(response.body, method: "POST", path: path)
        if let id = messages.compactMap(\.status).last(where: { $0.hasPrefix("sha256:") }) { return id }
        return try await inspectImage("\(repository):\(tag)").id
    }

    /// The image (or images) as a `docker save` archive, for `loadImage` on another engine.
    public func exportImage(_ names: [String], timeout: Duration = .seconds(600)) async throws -> Data {
        guard !names.isEmpty else { throw DockerError.invalidArgument("exportImage needs at least one image name") }
        let response = try await perform(method: "GET", path: "/images/get", query: names.map { ("names", $0) }, timeout: timeout)
        return response.body
    }

    /// Adds the reference `repository:tag` to an image.
    public func tagImage(_ name: String, repository: String, tag: String = "latest") async throws {
        try await perform(method: "POST", path: "/images/\(Self.imageSegment(name))/tag", query: [("repo", repository), ("tag", tag)])
    }

    /// Removes an image reference (and the image when no other reference or container uses it;
    /// `force` also when a stopped container does). Returns what was untagged and deleted.
    @discardableResult
    public func removeImage(_ name: String, force: Bool = false, noPrune: Bool = false) async throws -> [ImageDeleteItem] {
        try await sendNoBody("DELETE", "/images/\(Self.imageSegment(name))", query: [("force", force.flag), ("noprune", noPrune.flag)])
    }

    /// Sends a request without a body and decodes the JSON answer.
    func sendNoBody<T: Decodable>(_ method: String, _ path: String, query: DockerQuery = [], as type: T.Type = T.self) async throws -> T {
        let response = try await perform(method: method, path: path, query: query)
        return try decode(T.self, from: response.body, method: method, path: path)
    }
}
