import KubeClient

/// The discovery documents: `/version`, `/api`, `/apis` and the resource list of a group version.
enum Discovery {
    static let version: JSONValue = [
        "major": "1", "minor": "33", "gitVersion": "v1.33.0-kubetesting", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.24.0", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    /// `/api`: the core group's versions.
    static func coreVersions(_ types: [RegisteredType]) -> JSONValue {
        let versions = Set(types.filter { $0.type.group.isEmpty }.map(\.type.version)).sorted()
        return ["kind": "APIVersions", "versions": .array(versions.map(JSONValue.string)), "serverAddressByClientCIDRs": []]
    }

    /// `/apis`: every named group with its versions.
    static func groups(_ types: [RegisteredType]) -> JSONValue {
        var versionsByGroup: [String: Set<String>] = [:]
        for registration in types where !registration.type.group.isEmpty {
            versionsByGroup[registration.type.group, default: []].insert(registration.type.version)
        }
        let groups: [JSONValue] = versionsByGroup.keys.sorted().map { group in
            let versions: [JSONValue] = versionsByGroup[group]!.sorted().map {
                ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)]
            }
            return ["name": .string(group), "versions": .array(versions), "preferredVersion": versions[0]]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    /// `/api/v1` or `/apis/GROUP/VERSION`: the resources of one group version, or nil when none.
    static func resourceList(group: String, version: String, _ types: [RegisteredType]) -> JSONValue? {
        let members = types.filter { $0.type.group == group && $0.type.version == version }.sorted { $0.type.plural < $1.type.plural }
        guard !members.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for registration in members {
            let type = registration.type
            resources.append([
                "name": .string(type.plural), "singularName": .string(type.kind.lowercased()), "namespaced": .bool(type.namespaced),
                "kind": .string(type.kind),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ])
            if registration.statusSubresource {
                resources.append([
                    "name": .string(type.plural + "/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                    "kind": .string(type.kind), "verbs": ["get", "patch", "update"],
                ])
            }
            if registration.scale != nil {
                resources.append([
                    "name": .string(type.plural + "/scale"), "singularName": "", "namespaced": .bool(type.namespaced),
                    "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"],
                ])
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }
}
