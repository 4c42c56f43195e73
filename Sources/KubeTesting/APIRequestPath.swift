import Foundation
import KubeClient

/// What a request URL names, resolved against the registered types.
enum APIRequestPath: Sendable {
    case version
    case health
    case coreVersions
    case groups
    case resourceList(group: String, version: String)
    case collection(ResourceType, namespace: String?)
    case object(ResourceType, namespace: String?, name: String, subresource: String?)

    /// Resolves a raw (percent-encoded) URL path. Returns nil for anything the server does not serve.
    /// `watch` is set for the legacy `/watch/` form (`/api/v1/watch/namespaces/NS/PLURAL`).
    static func resolve(_ rawPath: String, lookup: (String, String, String) -> RegisteredType?) -> (APIRequestPath, watch: Bool)? {
        let segments = rawPath.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        switch segments.first {
        case "version" where segments.count == 1: return (.version, false)
        case "healthz", "readyz", "livez": return (.health, false)
        case "api":
            if segments.count == 1 { return (.coreVersions, false) }
            if segments.count == 2 { return (.resourceList(group: "", version: segments[1]), false) }
            return resource(group: "", version: segments[1], Array(segments.dropFirst(2)), lookup)
        case "apis":
            if segments.count == 1 { return (.groups, false) }
            if segments.count == 2 { return nil }
            if segments.count == 3 { return (.resourceList(group: segments[1], version: segments[2]), false) }
            return resource(group: segments[1], version: segments[2], Array(segments.dropFirst(3)), lookup)
        default:
            return nil
        }
    }

    private static func resource(group: String, version: String, _ segments: [String],
                                 _ lookup: (String, String, String) -> RegisteredType?) -> (APIRequestPath, watch: Bool)? {
        var rest = segments
        var watch = false
        if rest.first == "watch" {
            watch = true
            rest.removeFirst()
        }
        var namespace: String?
        if rest.count >= 3, rest[0] == "namespaces", let namespaced = lookup(group, version, rest[2]), namespaced.type.namespaced {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard let plural = rest.first, let registration = lookup(group, version, plural) else { return nil }
        let type = registration.type
        if namespace != nil, !type.namespaced { return nil }
        switch rest.count {
        case 1:
            return (.collection(type, namespace: namespace), watch)
        case 2:
            if type.namespaced, namespace == nil { return nil }
            return (.object(type, namespace: namespace, name: rest[1], subresource: nil), watch)
        case 3 where !watch:
            if type.namespaced, namespace == nil { return nil }
            let subresource = rest[2]
            if subresource == "status", registration.statusSubresource {
                return (.object(type, namespace: namespace, name: rest[1], subresource: subresource), false)
            }
            if subresource == "scale", registration.scale != nil {
                return (.object(type, namespace: namespace, name: rest[1], subresource: subresource), false)
            }
            return nil
        default:
            return nil
        }
    }
}
