import KubeClient

/// A type the fake server serves, with the behaviours that differ between Kubernetes types.
struct RegisteredType: Sendable {
    var type: ResourceType
    /// Whether `/status` exists; then the main resource ignores status and status never bumps generation.
    var statusSubresource: Bool
    /// The `/scale` subresource, when the type has one.
    var scale: ScaleSubresource?
    /// Whether this is a type compiled into kube-apiserver (as opposed to a custom resource):
    /// list items then omit `apiVersion`/`kind`, strategic merge patch is accepted, and an
    /// immediate DELETE answers with a `Status` rather than the deleted object.
    var builtin: Bool
    /// Whether an immediate DELETE answers with the deleted object; otherwise with a `Status` of
    /// `Success` (true for custom resources and pods, false for most built-in types).
    var returnsDeletedObject: Bool
    /// Whether a PUT without `metadata.resourceVersion` is allowed (true for most built-in types,
    /// false for custom resources and CustomResourceDefinitions).
    var allowUnconditionalUpdate: Bool
    /// Field-selector fields beyond `metadata.name` and `metadata.namespace`.
    var selectableFields: Set<String> = []
    /// How names are validated.
    var nameRule: NameRule = .subdomain

    /// The name formats of Kubernetes object names.
    enum NameRule: Sendable {
        /// RFC 1123 subdomain: lowercase alphanumerics, `-` and `.`, at most 253 characters.
        case subdomain
        /// RFC 1123 label: lowercase alphanumerics and `-`, at most 63 characters (namespaces).
        case label
        /// RFC 1035 label: an RFC 1123 label that starts with a letter (services).
        case dns1035Label
    }

    /// The storage key of a type: group, version and plural.
    static func key(group: String, version: String, plural: String) -> String {
        "\(group)/\(version)/\(plural)"
    }

    var key: String { RegisteredType.key(group: type.group, version: type.version, plural: type.plural) }

    /// The field scope of a write to the main resource or to `/status`.
    func scope(status: Bool) -> FieldScope {
        FieldScope(statusSubresource: statusSubresource, isStatus: status)
    }
}
