/// Where a type keeps the numbers its `/scale` subresource reads and writes, as in a
/// CustomResourceDefinition's `subresources.scale` (JSON paths such as `.spec.replicas`).
public struct ScaleSubresource: Sendable, Hashable {
    /// The path of the desired replica count, written by `PUT`/`PATCH` on `/scale`.
    public var specReplicasPath: String
    /// The path of the observed replica count, reported as `status.replicas` of the Scale.
    public var statusReplicasPath: String
    /// The path of the label selector reported as `status.selector`: either a string in the
    /// query-string syntax or a meta/v1 LabelSelector object (as in a Deployment's `.spec.selector`).
    public var labelSelectorPath: String?

    /// A scale subresource reading and writing the given paths.
    public init(specReplicasPath: String = ".spec.replicas", statusReplicasPath: String = ".status.replicas",
                labelSelectorPath: String? = nil) {
        self.specReplicasPath = specReplicasPath
        self.statusReplicasPath = statusReplicasPath
        self.labelSelectorPath = labelSelectorPath
    }
}
