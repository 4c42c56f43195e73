/// Turns a policy document into an enforcer. The admin API calls it off the request path; a
/// document it rejects leaves the policy in force untouched.
public protocol PolicyCompiler: Sendable {
    /// Compiles `document` (parsed JSON); throws `PolicyRejection` naming the field and the reason.
    func compile(document: JSONValue) throws -> any PolicyEnforcer
    /// The canonical bytes of `document` whose SHA-256 is the policy's version.
    func canonicalBytes(of document: JSONValue) -> [UInt8]
}

extension PolicyCompiler {
    /// The gateway's canonical JSON: compact, object keys sorted.
    public func canonicalBytes(of document: JSONValue) -> [UInt8] { document.renderedBytes() }
}

/// A policy document that was refused: where (a JSON path such as `roles[2].allow`) and why.
public struct PolicyRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path of the offending field; empty for the document as a whole.
    public let fieldPath: String
    /// Why it was refused.
    public let reason: String

    /// A rejection of the field at `fieldPath` for `reason`.
    public init(fieldPath: String, reason: String) {
        self.fieldPath = fieldPath
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { fieldPath.isEmpty ? reason : "\(fieldPath): \(reason)" }
}

/// A compiler that accepts any JSON object and allows everything (until a policy engine is wired).
public struct AllowAllPolicyCompiler: PolicyCompiler {
    /// The allow-all compiler.
    public init() {}

    public func compile(document: JSONValue) throws -> any PolicyEnforcer {
        guard case .object = document else { throw PolicyRejection(fieldPath: "", reason: "the policy must be a JSON object") }
        return AllowAllPolicyEnforcer()
    }
}
