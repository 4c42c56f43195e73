/// One problem in a policy document: where (a field path such as `spec.roles[2].allowTools[0]`)
/// and what is wrong with it.
public struct PolicyIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The field path, starting at the document root (`spec` by default).
    public var path: String
    /// What is wrong, for a human.
    public var message: String

    /// An issue at `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// A policy document that cannot be enforced, with every problem found in it.
public struct PolicyValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case invalid
        case malformed
    }

    private let kind: Kind
    /// Every problem, in document order.
    public let issues: [PolicyIssue]

    private init(_ kind: Kind, _ issues: [PolicyIssue]) {
        self.kind = kind
        self.issues = issues
    }

    /// The document parsed but breaks the rules (bad CIDR, bad glob, duplicate name, ...).
    public static func invalid(_ issues: [PolicyIssue]) -> Self { Self(.invalid, issues) }
    /// The document is not JSON of the policy's shape (wrong type, unknown field, ...).
    public static func malformed(_ issues: [PolicyIssue]) -> Self { Self(.malformed, issues) }

    /// A short label without details, safe as a metric label.
    public var shortDescription: String {
        switch kind {
        case .invalid: "invalid policy"
        case .malformed: "malformed policy document"
        }
    }

    /// The label and every issue.
    public var description: String {
        "\(shortDescription): " + issues.map(\.description).joined(separator: "; ")
    }
}
