import KubeClient

/// A set of field paths, the unit of server-side-apply ownership, with the `FieldsV1` encoding
/// the real server stores in `metadata.managedFields` (`{"f:spec":{"f:replicas":{}}}`).
///
/// A path names a *leaf*: a field whose value is a scalar, a list, `null` or an empty object.
/// Lists are atomic in this fake (no `k:`/`v:`/`i:` element keys): whoever sets a list owns all of it.
struct FieldSet: Sendable, Hashable {
    var paths: Set<FieldPath>

    init(_ paths: Set<FieldPath> = []) {
        self.paths = paths
    }

    var isEmpty: Bool { paths.isEmpty }

    /// Every leaf of `value` that `scope` counts, with its value.
    static func leaves(of value: JSONValue, in scope: FieldScope) -> [FieldPath: JSONValue] {
        var result: [FieldPath: JSONValue] = [:]
        func walk(_ value: JSONValue, _ prefix: FieldPath) {
            for (key, child) in value.objectValue ?? [:] {
                let path = prefix + [key]
                guard scope.mayContain(path) else { continue }
                if let members = child.objectValue, !members.isEmpty {
                    walk(child, path)
                } else if scope.includes(path) {
                    result[path] = child
                }
            }
        }
        walk(value, [])
        return result
    }

    /// Decodes a `fieldsV1` document. Keys other than `f:` and `.` (list element keys written by a
    /// real server or a client) are read as ownership of the enclosing list, which is atomic here.
    init(fieldsV1: JSONValue) {
        var paths: Set<FieldPath> = []
        func walk(_ node: JSONValue, _ prefix: FieldPath) {
            for (key, child) in node.objectValue ?? [:] {
                if key == "." {
                    if !prefix.isEmpty { paths.insert(prefix) }
                } else if key.hasPrefix("f:") {
                    let path = prefix + [String(key.dropFirst(2))]
                    if child.objectValue?.isEmpty ?? true {
                        paths.insert(path)
                    } else {
                        walk(child, path)
                    }
                } else if !prefix.isEmpty {
                    paths.insert(prefix)
                }
            }
        }
        walk(fieldsV1, [])
        self.paths = paths
    }

    /// The `fieldsV1` document for this set.
    var fieldsV1: JSONValue {
        func encode(_ suffixes: [FieldPath]) -> JSONValue {
            var members: [String: JSONValue] = [:]
            var groups: [String: [FieldPath]] = [:]
            for suffix in suffixes {
                if let first = suffix.first {
                    groups[first, default: []].append(Array(suffix.dropFirst()))
                } else {
                    members["."] = .object([:])
                }
            }
            for (key, rest) in groups {
                let child = encode(rest)
                // A path owned on its own and no deeper is the bare leaf `{}`.
                if rest.allSatisfy(\.isEmpty) {
                    members["f:" + key] = .object([:])
                } else {
                    members["f:" + key] = child
                }
            }
            return .object(members)
        }
        return encode(Array(paths))
    }

    /// Whether any path of this set overlaps `path` (equal, ancestor or descendant).
    func overlaps(_ path: FieldPath) -> Bool {
        paths.contains { $0.overlaps(path) }
    }
}

/// Which part of an object a write may touch, and so which leaves count for ownership.
struct FieldScope: Sendable, Hashable {
    /// Metadata the server manages; nobody owns these.
    static let systemMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ]

    /// Whether the type has a status subresource (then the main resource does not own status).
    var statusSubresource: Bool
    /// Whether this write goes through `/status` (then only status counts).
    var isStatus: Bool

    /// Whether the leaf at `path` counts.
    func includes(_ path: FieldPath) -> Bool {
        guard let first = path.first else { return false }
        switch first {
        case "apiVersion", "kind": return false
        case "metadata": return !isStatus && path.count >= 2 && !FieldScope.systemMetadata.contains(path[1])
        case "status": return isStatus || !statusSubresource
        default: return !isStatus
        }
    }

    /// Whether any leaf under `path` may count (used to prune walks).
    func mayContain(_ path: FieldPath) -> Bool {
        path.count == 1 && path[0] == "metadata" ? !isStatus : includes(path)
    }
}
