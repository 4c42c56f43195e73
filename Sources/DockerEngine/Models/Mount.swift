import Foundation

/// A mount in the long form: a bind mount of a host path, a named volume, or a tmpfs.
public struct Mount: Sendable, Hashable, Codable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String
    /// The host path (bind) or volume name (volume); empty for tmpfs.
    public var source: String?
    /// The path inside the container.
    public var target: String
    /// Mount read-only.
    public var readOnly: Bool?
    /// Options of a tmpfs mount.
    public var tmpfsOptions: TmpfsOptions?
    /// Options of a volume mount.
    public var volumeOptions: VolumeOptions?

    public init(type: String, source: String? = nil, target: String, readOnly: Bool? = nil,
                tmpfsOptions: TmpfsOptions? = nil, volumeOptions: VolumeOptions? = nil) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.tmpfsOptions = tmpfsOptions
        self.volumeOptions = volumeOptions
    }

    /// A host path mounted at `target`.
    public static func bind(_ source: String, at target: String, readOnly: Bool = false) -> Mount {
        Mount(type: "bind", source: source, target: target, readOnly: readOnly)
    }

    /// A named volume mounted at `target` (created with `labels` when it does not exist).
    public static func volume(_ name: String, at target: String, readOnly: Bool = false, labels: [String: String]? = nil) -> Mount {
        Mount(type: "volume", source: name, target: target, readOnly: readOnly,
              volumeOptions: labels.map { VolumeOptions(labels: $0) })
    }

    /// A memory-backed filesystem at `target`, of at most `sizeBytes`, with permission bits `mode`
    /// (which a directory of the image at `target` overrides, as for `HostConfig.tmpfs`).
    public static func tmpfs(at target: String, sizeBytes: Int64? = nil, mode: Int? = nil) -> Mount {
        Mount(type: "tmpfs", target: target, tmpfsOptions: TmpfsOptions(sizeBytes: sizeBytes, mode: mode))
    }

    /// Options of a tmpfs mount.
    public struct TmpfsOptions: Sendable, Hashable, Codable {
        /// The size limit in bytes; nil for half the host's memory.
        public var sizeBytes: Int64?
        /// Permission bits, such as `0o1777`.
        public var mode: Int?

        public init(sizeBytes: Int64? = nil, mode: Int? = nil) {
            self.sizeBytes = sizeBytes
            self.mode = mode
        }

        enum CodingKeys: String, CodingKey { case sizeBytes = "SizeBytes", mode = "Mode" }
    }

    /// Options of a volume mount.
    public struct VolumeOptions: Sendable, Hashable, Codable {
        /// Labels for a volume the mount creates.
        public var labels: [String: String]?
        /// Do not copy the image's files at the target into a new volume.
        public var noCopy: Bool?

        public init(labels: [String: String]? = nil, noCopy: Bool? = nil) {
            self.labels = labels
            self.noCopy = noCopy
        }

        enum CodingKeys: String, CodingKey { case labels = "Labels", noCopy = "NoCopy" }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type", source = "Source", target = "Target", readOnly = "ReadOnly"
        case tmpfsOptions = "TmpfsOptions", volumeOptions = "VolumeOptions"
    }
}
