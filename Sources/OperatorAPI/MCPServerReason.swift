/// The reasons of MCPServer conditions, on Kubernetes and in local mode.
public enum MCPServerReason {
    public static let available = "Available"
    public static let replicasNotReady = "ReplicasNotReady"
    public static let pluginsNotReady = "PluginsNotReady"
    public static let scaledToZero = "ScaledToZero"
    public static let creating = "Creating"
    public static let rollingOut = "RollingOut"
    public static let complete = "Complete"
    public static let asExpected = "AsExpected"
    public static let progressDeadlineExceeded = "ProgressDeadlineExceeded"
    public static let policyNotFound = "PolicyNotFound"
    public static let invalidPolicy = "InvalidPolicy"
    public static let applyFailed = "ApplyFailed"
    /// Container waiting reasons that mean the pods will not come up by themselves.
    public static let podFailures: Set<String> = [
        "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError",
        "CreateContainerError", "RunContainerError",
    ]
}
