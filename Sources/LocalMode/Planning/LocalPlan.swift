import DockerEngine
import Foundation

/// What one MCPServer needs on the Docker engine: its networks, volumes and containers, each
/// labelled with its owner and (containers) the hash of its configuration.
public struct LocalPlan: Sendable, Hashable {
    /// The server's names.
    public var naming: LocalNaming
    /// Networks, the server network first.
    public var networks: [DesiredNetwork]
    /// Volumes: the gateway binary volume and the config volume.
    public var volumes: [DesiredVolume]
    /// Containers: plugins first (the gateways connect to them), then HTTP servers, then gateways.
    public var containers: [DesiredContainer]
    /// The labels that select every object of this server.
    public var ownerLabels: [String: String]
    /// Who owns a Docker object with these labels, when it is not this server (nil when it is):
    /// another server or local instance, or something not made by the local controller.
    public func foreignOwner(_ labels: [String: String]?) -> String? {
        let labels = labels ?? [:]
        if ownerLabels.allSatisfy({ labels[$0.key] == $0.value }) { return nil }
        guard labels[LocalLabels.managedBy] == LocalLabels.managerName else { return "an object not made by the local controller" }
        let server = "\(labels[LocalLabels.namespace] ?? "?")/\(labels[LocalLabels.server] ?? "?")"
        return "MCPServer \(server) of local instance \"\(labels[LocalLabels.instance] ?? "")\""
    }

    /// The path under which the config volume is mounted in gateway containers.
    public var configDirectory: String
    /// The gateway binary volume, populated from the gateway image.
    public var gatewayVolume: DesiredVolume { volumes[0] }
    /// The config volume (the policy the gateways boot with).
    public var configVolume: DesiredVolume { volumes[1] }
    /// The gateway containers, by replica.
    public var gateways: [DesiredContainer] { containers.filter { $0.role == .gateway } }
    /// The plugin containers.
    public var plugins: [DesiredContainer] { containers.filter { $0.role == .plugin } }
}

/// A network to create.
public struct DesiredNetwork: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Whether it has no route out.
    public var `internal`: Bool
    /// Its labels.
    public var labels: [String: String]

    /// The create request.
    public var request: NetworkCreateRequest {
        NetworkCreateRequest(name: name, internal: `internal`, labels: labels)
    }
}

/// A volume to create.
public struct DesiredVolume: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Its labels.
    public var labels: [String: String]
}

/// A container to run, with everything needed to create it and to check an existing one.
public struct DesiredContainer: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Gateway, HTTP server or plugin.
    public var role: LocalRole
    /// The replica index (gateways and HTTP servers).
    public var replica: Int?
    /// The plugin's name (plugins).
    public var plugin: String?
    /// Image, command, environment, user, labels (the spec hash included).
    public var config: ContainerConfig
    /// Isolation, limits, mounts, published ports.
    public var hostConfig: HostConfig
    /// The network it joins at create; the others are connected before it starts.
    public var primaryNetwork: String
    /// Every network it joins → its aliases there.
    public var networks: [String: [String]]
    /// The hash of everything above except the host port, recorded in `mcpoperator.io/spec-hash`.
    public var specHash: String
}

/// What the planner needs to know about an image: its ID, entrypoint and command (a stdio
/// server without `command` runs the image's own, wrapped by the gateway).
public struct ImageFacts: Sendable, Hashable {
    /// The image ID (`sha256:...`).
    public var id: String
    /// Its `ENTRYPOINT`.
    public var entrypoint: [String]
    /// Its `CMD`.
    public var cmd: [String]

    public init(id: String, entrypoint: [String] = [], cmd: [String] = []) {
        self.id = id
        self.entrypoint = entrypoint
        self.cmd = cmd
    }
}

/// Why a server cannot be planned: a condition reason and a message naming the field.
public struct LocalPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A CamelCase reason for the `Ready`/`Degraded` conditions.
    public let reason: String
    /// What is wrong, naming the field or image, and what to do.
    public let message: String
    /// Images the engine does not have (for `ImageNotFound`).
    public let missingImages: [String]

    init(reason: String, message: String, missingImages: [String] = []) {
        self.reason = reason
        self.message = message
        self.missingImages = missingImages
    }

    /// Images the engine does not have, and the command that builds the project's own.
    public static func imagesMissing(_ images: [String]) -> LocalPlanError {
        let list = images.sorted().joined(separator: ", ")
        return LocalPlanError(reason: "ImageNotFound", message: "image \(list) not found on the Docker engine; build the project's images with `bash hack/images.sh` (or `docker pull` / `docker load` the others)",
                              missingImages: images.sorted())
    }

    /// A Docker object name the plan needs is taken by an object this server does not own.
    public static func nameInUse(_ what: String, _ name: String, owner: String) -> LocalPlanError {
        LocalPlanError(reason: "NameInUse", message: "the \(what) name \(name) is taken by \(owner); it is left alone. Remove it, or run "
                       + "this local instance with another name prefix (MCP_LOCAL_NAME_PREFIX, or `mcpctl controller run --name-prefix`)")
    }

    /// A field local mode cannot honour.
    public static func unsupported(_ field: String, _ why: String) -> LocalPlanError {
        LocalPlanError(reason: "UnsupportedInLocalMode", message: "\(field): \(why)")
    }

    /// A field with a value that cannot be used.
    public static func invalid(_ field: String, _ why: String) -> LocalPlanError {
        LocalPlanError(reason: "InvalidSpec", message: "\(field): \(why)")
    }

    public var description: String { "\(reason): \(message)" }
}
