import Foundation
import KubeClient
import Synchronization

/// One rule of a Role or ClusterRole: the verbs allowed on resources (`plural` or
/// `plural/subresource`) of API groups (`""` is the core group); `*` matches anything.
public struct RBACRule: Sendable, Hashable {
    public var apiGroups: [String]
    public var resources: [String]
    public var verbs: [String]
    public var resourceNames: [String]

    public init(apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String] = []) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.verbs = verbs
        self.resourceNames = resourceNames
    }

    func allows(verb: String, group: String, resource: String, name: String?) -> Bool {
        (verbs.contains("*") || verbs.contains(verb))
            && (apiGroups.contains("*") || apiGroups.contains(group))
            && (resources.contains("*") || resources.contains(resource))
            && (resourceNames.isEmpty || name.map(resourceNames.contains) == true)
    }

    /// The rules of a Role or ClusterRole object (its `rules`).
    public static func rules(of role: JSONValue) -> [RBACRule] {
        (role["rules"]?.arrayValue ?? []).map { rule in
            func strings(_ key: String) -> [String] { rule[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            return RBACRule(apiGroups: strings("apiGroups"), resources: strings("resources"), verbs: strings("verbs"),
                            resourceNames: strings("resourceNames"))
        }
    }
}

/// A request the authorizer refused, as the API server's 403 message reads.
public struct RBACDenial: Sendable, Hashable, CustomStringConvertible {
    public var verb: String
    public var group: String
    public var resource: String
    public var namespace: String?
    public var name: String?
    public var user: String

    public var description: String {
        let object = name.map { " \"\($0)\"" } ?? ""
        let plural = resource.split(separator: "/").first.map(String.init) ?? resource
        let qualified = group.isEmpty ? plural : "\(plural).\(group)"
        let scope = namespace.map { " in the namespace \"\($0)\"" } ?? " at the cluster scope"
        return "\(qualified)\(object) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\"\(scope)"
    }
}

/// RBAC for the fake server, as the real one authorizes: requests with a registered bearer token
/// are allowed only what that user's rules grant (bound cluster-wide); requests with any other
/// token, or none, are the test's own and allowed. Denials are answered 403 and kept.
final class RBACAuthorizer: Sendable {
    private struct Subject: Sendable {
        var user: String
        var rules: [RBACRule]
    }

    private let subjects = Mutex<[String: Subject]>([:])
    private let denials = Mutex<[RBACDenial]>([])

    func bind(token: String, user: String, rules: [RBACRule]) {
        subjects.withLock { $0[token] = Subject(user: user, rules: rules) }
    }

    var denied: [RBACDenial] { denials.withLock { $0 } }

    /// The denial of `request` on `target`, or nil when allowed.
    func check(_ request: RecordedRequest, target: APIRequestPath, watch: Bool) -> RBACDenial? {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
              let subject = subjects.withLock({ $0[String(header.dropFirst(7))] }) else { return nil }
        let type: ResourceType
        let namespace: String?
        var name: String?
        var resource: String
        let verb: String
        switch target {
        case .version, .health, .coreVersions, .groups, .resourceList:
            return nil  // discovery is open to every authenticated user
        case .collection(let collectionType, let collectionNamespace):
            type = collectionType
            namespace = collectionNamespace
            resource = type.plural
            switch request.method {
            case "GET": verb = watch || request.isWatch ? "watch" : "list"
            case "POST": verb = "create"
            case "DELETE": verb = "deletecollection"
            default: verb = request.method.lowercased()
            }
        case .object(let objectType, let objectNamespace, let objectName, let subresource):
            type = objectType
            namespace = objectNamespace
            name = objectName
            resource = type.plural + (subresource.map { "/\($0)" } ?? "")
            switch request.method {
            case "GET": verb = watch || request.isWatch ? "watch" : "get"
            case "PUT": verb = "update"
            case "PATCH": verb = "patch"
            case "DELETE": verb = "delete"
            default: verb = request.method.lowercased()
            }
        }
        if subject.rules.contains(where: { $0.allows(verb: verb, group: type.group, resource: resource, name: name) }) { return nil }
        let denial = RBACDenial(verb: verb, group: type.group, resource: resource, namespace: namespace, name: name, user: subject.user)
        denials.withLock { $0.append(denial) }
        return denial
    }
}
