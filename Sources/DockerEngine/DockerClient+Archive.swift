import ControlPlaneHTTP
import Foundation

extension DockerClient {
    /// Extracts a tar archive into a container at the directory `path` (`PUT
    /// /containers/{id}/archive`). Works on a created or stopped container too; into a container
    /// with a read-only root filesystem only below a writable volume mount, which is how a
    /// volume is filled without running anything. Throws with `isNotFound` when the container
    /// or the directory does not exist.
    public func putArchive(_ id: String, path: String, archive: Data, noOverwriteDirNonDir: Bool = false) async throws {
        try await perform(method: "PUT", path: "/containers/\(Self.segment(id))/archive",
                          query: [("path", path), ("noOverwriteDirNonDir", noOverwriteDirNonDir ? "1" : nil)],
                          body: archive, contentType: "application/x-tar")
    }

    /// The file or directory at `path` inside a container as a tar archive (`GET
    /// /containers/{id}/archive`). Throws with `isNotFound` when it does not exist.
    public func getArchive(_ id: String, path: String) async throws -> Data {
        try await perform(method: "GET", path: "/containers/\(Self.segment(id))/archive", query: [("path", path)]).body
    }
}
