import KubeClient

/// The meta/v1 DeleteOptions that matter here, from the query string and the request body.
struct DeleteOptions: Sendable, Hashable {
    /// How dependents are treated.
    enum Propagation: String, Sendable, Hashable {
        case foreground = "Foreground"
        case background = "Background"
        case orphan = "Orphan"
    }

    var propagation: Propagation?
    var preconditionUID: String?
    var preconditionResourceVersion: String?

    init(propagation: Propagation? = nil, preconditionUID: String? = nil, preconditionResourceVersion: String? = nil) {
        self.propagation = propagation
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
    }

    /// Reads `propagationPolicy` and the deprecated `orphanDependents` from the query and the
    /// body, and `preconditions` from the body; the body wins.
    init(query: [String: String], body: JSONValue?) throws(FakeAPIError) {
        var policy = query["propagationPolicy"]
        if let orphan = query["orphanDependents"] { policy = orphan == "true" ? "Orphan" : "Background" }
        if let body {
            if let orphan = body["orphanDependents"]?.boolValue { policy = orphan ? "Orphan" : "Background" }
            if let value = body["propagationPolicy"]?.stringValue { policy = value }
            preconditionUID = body["preconditions"]?["uid"]?.stringValue
            preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
        }
        if let policy, !policy.isEmpty {
            guard let parsed = Propagation(rawValue: policy) else {
                throw .invalid(kind: "DeleteOptions", group: "meta.k8s.io", name: "", [
                    .init(field: "propagationPolicy", reason: "FieldValueNotSupported",
                          detail: "Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
                ])
            }
            propagation = parsed
        }
    }
}

/// What a DELETE did.
enum DeleteOutcome: Sendable, Hashable {
    /// The object is gone; its last state.
    case deleted(JSONValue)
    /// The object waits for finalizers; its state with `deletionTimestamp` set.
    case pending(JSONValue)
}
