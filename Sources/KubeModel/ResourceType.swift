/// Where a kind of Kubernetes object lives in the API: group, version, plural resource name, kind,
/// and whether it is namespaced. It is all the client needs to build a URL.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group.
    public var group: String
    /// The API version, such as `v1`.
    public var version: String
    /// The lowercase plural used in URLs, such as `configmaps`.
    public var plural: String
    /// The kind, such as `ConfigMap`.
    public var kind: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` for the others.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` for the core group, `/apis/group/version` for the others.
    public var apiPrefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The path of the collection, in a namespace when given (and the type is namespaced).
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace {
            return "\(apiPrefix)/namespaces/\(namespace.percentEncodedPathSegment)/\(plural)"
        }
        return "\(apiPrefix)/\(plural)"
    }

    /// The path of one object, optionally of one of its subresources (`status`, `scale`).
    public func objectPath(name: String, namespace: String?, subresource: String? = nil) -> String {
        var path = "\(collectionPath(namespace: namespace))/\(name.percentEncodedPathSegment)"
        if let subresource { path += "/\(subresource)" }
        return path
    }

    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

extension String {
    /// This string escaped for use as one path segment.
    var percentEncodedPathSegment: String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}

import Foundation
