/// One gateway to keep at the desired policy: a replica (a pod or a container) and how to reach
/// its admin endpoint.
public struct PolicyPushTarget: Sendable, Hashable {
    /// The replica's stable name (the pod or container name), unique in its group.
    public var replica: String
    /// The admin base URL, such as `http://10.0.0.7:9090`.
    public var adminURL: String
    /// The admin bearer token.
    public var adminToken: String

    /// A target.
    public init(replica: String, adminURL: String, adminToken: String) {
        self.replica = replica
        self.adminURL = adminURL
        self.adminToken = adminToken
    }

    /// The URL of `/admin/policy` on this target.
    var policyURL: String { adminURL.hasSuffix("/") ? adminURL + "admin/policy" : adminURL + "/admin/policy" }
}
