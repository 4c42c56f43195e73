/// A container's `imagePullPolicy`: when the kubelet pulls its image.
public enum ImagePullPolicy: String, Sendable, Hashable, CaseIterable {
    /// Pull on every container start.
    case always = "Always"
    /// Pull only when the node lacks the image.
    case ifNotPresent = "IfNotPresent"
    /// Never pull; the image must be on the node already (preloaded or built there).
    case never = "Never"
}
