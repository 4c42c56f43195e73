import Foundation
import PolicyEngine

/// One version of a rendered policy, ready to push: the canonical document, its version
/// (`sha256:<hex>`) and the hex SHA-256 the gateway checks.
public struct PolicyRelease: Sendable, Hashable {
    /// The canonical JSON of the document (`PolicyDocument.canonicalJSON()`).
    public let canonicalDocument: Data
    /// `sha256:` and the hex SHA-256 of `canonicalDocument`.
    public let version: String

    /// The release of a document: rendered canonically and versioned by its hash.
    public init(_ document: PolicyDocument) {
        canonicalDocument = document.canonicalJSON()
        version = document.version
    }

    /// The lowercase hex SHA-256 of the canonical document.
    public var sha256: String { String(version.dropFirst("sha256:".count)) }

    /// The body of `PUT /admin/policy`: `{"document": ..., "version": ..., "sha256": ...}`.
    public var pushBody: Data {
        var body = Data("{\"document\":".utf8)
        body.append(canonicalDocument)
        body.append(Data(",\"version\":\"\(version)\",\"sha256\":\"\(sha256)\"}".utf8))
        return body
    }

    /// A short form for messages: `sha256:` and the first twelve hex digits.
    public var shortVersion: String { Self.short(version) }

    /// `sha256:` and the first twelve hex digits of a version, followed by an ellipsis.
    public static func short(_ version: String) -> String {
        guard version.hasPrefix("sha256:"), version.count > 19 else { return version }
        return String(version.prefix(19)) + "…"
    }
}
