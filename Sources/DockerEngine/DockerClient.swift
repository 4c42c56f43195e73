import ControlPlaneHTTP
import Foundation
import Logging

/// A Docker Engine API client over the shared libcurl transport: images, containers (create with
/// full host configuration, lifecycle, logs, stats, wait), networks, volumes and the events
/// stream. The API version is negotiated once, on first use (`/_ping`, then `/version`): the
/// lower of the engine's version and `DockerAPIVersion.clientMaximum`, and every path is
/// prefixed with it. Safe to share between tasks.
public final class DockerClient: Sendable {
    /// Where the engine listens.
    public let endpoint: DockerEndpoint
    let transport: HTTPTransport
    let logger: Logger
    private let pinnedVersion: DockerAPIVersion?
    private let negotiated = NegotiationCache()

    /// Makes a client for `endpoint`. With `apiVersion`, that version is used as is and no
    /// negotiation happens. `requestTimeout` bounds each buffered call; streams (logs, events,
    /// stats, wait) have no total limit.
    public init(
        endpoint: DockerEndpoint = .unixSocket(), apiVersion: DockerAPIVersion? = nil,
        requestTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "docker-client")
    ) {
        self.endpoint = endpoint
        self.pinnedVersion = apiVersion
        self.logger = logger
        self.transport = HTTPTransport(configuration: HTTPTransportConfiguration(
            tls: endpoint.tls ?? TLSConfiguration(), unixSocketPath: endpoint.unixSocketPath,
            connectTimeout: .seconds(5), requestTimeout: requestTimeout, acceptCompression: false))
    }

    /// A client for the engine the environment names (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`,
    /// `DOCKER_CERT_PATH`; the default socket otherwise).
    public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger = Logger(label: "docker-client")) throws {
        self.init(endpoint: try DockerEndpoint.fromEnvironment(environment), logger: logger)
    }

    // MARK: System

    /// `GET /_ping`: whether an engine answers, and what it says about itself in the headers.
    /// Throws `DockerError` with `isEngineUnreachable` when nothing answers.
    public func ping() async throws -> DockerPing {
        let response = try await perform(method: "GET", path: "/_ping", versioned: false)
        return DockerPing(
            apiVersion: response.headers["API-Version"].flatMap(DockerAPIVersion.init),
            osType: response.headers["OSType"],
            experimental: response.headers["Docker-Experimental"] == "true",
            builderVersion: response.headers["Builder-Version"])
    }

    /// `GET /version`: the engine's versions, OS and architecture.
    public func version() async throws -> DockerVersion {
        try await get("/version", versioned: false)
    }

    /// The API version every request uses, negotiating it on first call.
    public func apiVersion() async throws -> DockerAPIVersion {
        if let pinnedVersion { return pinnedVersion }
        if let known = negotiated.value { return known }
        _ = try await ping()  // the clearest failure when no engine answers
        let version = try await self.version()
        let server = version.apiVersion
        if let minimum = version.minAPIVersion, minimum > DockerAPIVersion.clientMaximum {
            throw DockerError.unsupportedVersion(server: minimum, minimum: DockerAPIVersion.clientMaximum)
        }
        guard server >= DockerAPIVersion.clientMinimum else {
            throw DockerError.unsupportedVersion(server: server, minimum: DockerAPIVersion.clientMinimum)
        }
        let chosen = min(server, DockerAPIVersion.clientMaximum)
        logger.debug("negotiated Docker API \(chosen)", metadata: ["engine": "\(version.version)", "endpoint": "\(endpoint)"])
        negotiated.value = chosen
        return chosen
    }
}

/// What `/_ping` reports in its headers.
public struct DockerPing: Sendable, Hashable {
    /// The newest API version the engine speaks.
    public var apiVersion: DockerAPIVersion?
    /// `linux` or `windows`.
    public var osType: String?
    /// Whether the engine runs with experimental features.
    public var experimental: Bool
    /// The default builder (`1` classic, `2` BuildKit).
    public var builderVersion: String?
}

/// The engine's `/version` answer.
public struct DockerVersion: Sendable, Hashable, Codable {
    /// The engine's release, such as `20.10.24`.
    public var version: String
    /// The newest API version the engine speaks.
    public var apiVersion: DockerAPIVersion
    /// The oldest API version the engine accepts.
    public var minAPIVersion: DockerAPIVersion?
    /// `linux` or `windows`.
    public var os: String?
    /// `amd64`, `arm64`, ...
    public var arch: String?
    /// The host's kernel version.
    public var kernelVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion"
        case os = "Os", arch = "Arch", kernelVersion = "KernelVersion"
    }
}

/// The negotiated version, written once and read by every request.
private final class NegotiationCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: DockerAPIVersion?

    var value: DockerAPIVersion? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
