/// Turns a policy document into an enforcer. The admin API calls it off the request path; a
/// document it rejects leaves the policy in force untouched.
public protocol PolicyCompiler: Sendable {
    /// Validates and compiles `document`; throws `PolicyRejection` naming the field and the reason.
    func compile(document: JSONValue) throws -> CompiledPolicyDocument
}

/// A compiled policy and the hashes that identify the document it came from.
public struct CompiledPolicyDocument: Sendable {
    /// The enforcer to publish.
    public var enforcer: any PolicyEnforcer
    /// The lowercase hex SHA-256 of the canonical document (the policy's version without `sha256:`).
    public var sha256: String
    /// Other hashes a pusher may have used for the same document (the canonical rendering before
    /// defaults were filled in); accepted in place of `sha256`.
    public var acceptedSHA256: Set<String>
    /// Whether the document asks to be evaluated without being enforced (`dryRun: true`); the
    /// enforcer then reports the decisions the policy would make.
    public var isDryRun: Bool
    /// For a dry-run document, the hashes of the same document with `dryRun` false or absent.
    public var promotedSHA256: Set<String>

    /// A compiled document identified by `sha256`.
    public init(enforcer: any PolicyEnforcer, sha256: String, acceptedSHA256: Set<String> = [], isDryRun: Bool = false,
                promotedSHA256: Set<String> = []) {
        self.enforcer = enforcer
        self.sha256 = sha256
        self.acceptedSHA256 = acceptedSHA256.union([sha256])
        self.isDryRun = isDryRun
        self.promotedSHA256 = promotedSHA256
    }
}

/// A policy document that was refused: where (a JSON path such as `spec.roles[2].allowTools`) and why.
public struct PolicyRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path of the offending field; empty for the document as a whole.
    public let fieldPath: String
    /// Why it was refused.
    public let reason: String
    /// Every problem found, path and reason (the first is `fieldPath`/`reason`).
    public let issues: [(path: String, reason: String)]

    /// A rejection of the field at `fieldPath` for `reason`.
    public init(fieldPath: String, reason: String, more: [(path: String, reason: String)] = []) {
        self.fieldPath = fieldPath
        self.reason = reason
        issues = [(fieldPath, reason)] + more
    }

    public static func == (lhs: PolicyRejection, rhs: PolicyRejection) -> Bool {
        lhs.fieldPath == rhs.fieldPath && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fieldPath)
        hasher.combine(reason)
    }

    /// `path: reason`.
    public var description: String { fieldPath.isEmpty ? reason : "\(fieldPath): \(reason)" }
}

/// A compiler that accepts any JSON object and allows everything (tests, and a gateway run without
/// a policy engine).
public struct AllowAllPolicyCompiler: PolicyCompiler {
    /// The allow-all compiler.
    public init() {}

    public func compile(document: JSONValue) throws -> CompiledPolicyDocument {
        guard case .object = document else { throw PolicyRejection(fieldPath: "", reason: "the policy must be a JSON object") }
        return CompiledPolicyDocument(enforcer: AllowAllPolicyEnforcer(), sha256: Authenticator.sha256Hex(document.renderedBytes()),
                                      isDryRun: document["dryRun"] == .bool(true))
    }
}
