import Foundation
import KubeClient

/// A path of object keys from the root of a document to one field, such as `["spec", "replicas"]`.
typealias FieldPath = [String]

extension FieldPath {
    /// The path as Kubernetes prints it in conflicts and field errors: `.spec.replicas`.
    var dotted: String { map { "." + $0 }.joined() }

    /// Parses a JSON path of the CRD scale-subresource form `.spec.replicas`.
    init(dotted: String) {
        self = dotted.split(separator: ".").map(String.init)
    }

    /// Whether `self` is a proper or improper prefix of `other`.
    func isPrefix(of other: FieldPath) -> Bool {
        count <= other.count && other.starts(with: self)
    }

    /// Whether one path is a prefix of the other (they touch the same part of a document).
    func overlaps(_ other: FieldPath) -> Bool {
        isPrefix(of: other) || other.isPrefix(of: self)
    }
}

extension JSONValue {
    /// The value at `path`, or nil when a step is missing or not an object.
    func value(at path: FieldPath) -> JSONValue? {
        self[path: path]
    }

    /// Sets the value at `path`, creating intermediate objects; replaces non-objects on the way.
    mutating func setValue(_ value: JSONValue, at path: FieldPath) {
        guard let first = path.first else {
            self = value
            return
        }
        var members = objectValue ?? [:]
        var child = members[first] ?? .object([:])
        if path.count > 1, child.objectValue == nil { child = .object([:]) }
        child.setValue(value, at: Array(path.dropFirst()))
        members[first] = child
        self = .object(members)
    }

    /// Removes the field at `path`; returns whether something was removed.
    @discardableResult
    mutating func removeValue(at path: FieldPath) -> Bool {
        guard let first = path.first, var members = objectValue else { return false }
        if path.count == 1 {
            let removed = members.removeValue(forKey: first) != nil
            self = .object(members)
            return removed
        }
        guard var child = members[first] else { return false }
        let removed = child.removeValue(at: Array(path.dropFirst()))
        members[first] = child
        self = .object(members)
        return removed
    }

    /// Removes the field at `path`, then every ancestor object that became empty because of it
    /// (never the root).
    mutating func removeValuePruningEmptyParents(at path: FieldPath) {
        guard removeValue(at: path) else { return }
        var parent = Array(path.dropLast())
        while !parent.isEmpty, let members = value(at: parent)?.objectValue, members.isEmpty {
            removeValue(at: parent)
            parent.removeLast()
        }
    }

    /// This object with the given top-level members removed.
    func removingMembers(_ keys: Set<String>) -> JSONValue {
        guard var members = objectValue else { return self }
        for key in keys { members.removeValue(forKey: key) }
        return .object(members)
    }

    /// The metadata object (empty when absent).
    var metadata: JSONValue { self["metadata"] ?? .object([:]) }

    /// `metadata.name`, or the empty string.
    var metadataName: String { self["metadata"]?["name"]?.stringValue ?? "" }

    /// `metadata.namespace`, or the empty string.
    var metadataNamespace: String { self["metadata"]?["namespace"]?.stringValue ?? "" }

    /// `metadata.resourceVersion`, or the empty string.
    var metadataResourceVersion: String { self["metadata"]?["resourceVersion"]?.stringValue ?? "" }

    /// `metadata.uid`, or the empty string.
    var metadataUID: String { self["metadata"]?["uid"]?.stringValue ?? "" }

    /// `metadata.finalizers` as strings.
    var metadataFinalizers: [String] {
        self["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// `metadata.labels` as strings.
    var metadataLabels: [String: String] {
        (self["metadata"]?["labels"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// Whether `metadata.deletionTimestamp` is set.
    var isBeingDeleted: Bool {
        if let stamp = self["metadata"]?["deletionTimestamp"], !stamp.isNull { return true }
        return false
    }

    /// Sets one member of `metadata`, creating it when needed; nil removes the member.
    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        var meta = metadata
        meta[key] = value
        if value == nil, var members = meta.objectValue {
            members.removeValue(forKey: key)
            meta = .object(members)
        }
        self["metadata"] = meta
        if objectValue == nil { self = .object(["metadata": meta]) }
    }

    /// The JSON text of this value with sorted keys, for response bodies and watch lines.
    func jsonString() -> String {
        (try? canonicalData()).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

/// RFC 3339 timestamps with second precision in UTC, as Kubernetes writes them.
enum Timestamp {
    /// Formats `date` as `2006-01-02T15:04:05Z`.
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
