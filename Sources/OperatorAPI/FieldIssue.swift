/// One problem with a resource, naming the field by its path (`spec.plugins[1].port`).
public struct FieldIssue: Sendable, Hashable, CustomStringConvertible {
    /// The field's path from the object's root.
    public var path: String
    /// What is wrong with it.
    public var reason: String

    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A resource that failed validation: its kind and name, and every problem found.
public struct ResourceValidationError: Error, Sendable, CustomStringConvertible {
    /// `MCPServer` or `MCPPolicy`.
    public var kind: String
    /// `namespace/name` of the object.
    public var object: String
    /// Every problem, in field order.
    public var issues: [FieldIssue]

    public init(kind: String, object: String, issues: [FieldIssue]) {
        self.kind = kind
        self.object = object
        self.issues = issues
    }

    public var description: String {
        "\(kind) \(object) is invalid: " + issues.map(\.description).joined(separator: "; ")
    }
}
