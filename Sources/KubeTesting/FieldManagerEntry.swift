import KubeClient

/// One `metadata.managedFields` entry: which fields a manager owns through which operation.
struct FieldManagerEntry: Sendable, Hashable {
    /// `Apply` or `Update`.
    enum Operation: String, Sendable, Hashable {
        case apply = "Apply"
        case update = "Update"
    }

    var manager: String
    var operation: Operation
    var apiVersion: String
    var time: String
    /// `status` or `scale` for writes through a subresource, nil for the main resource.
    var subresource: String?
    var fields: FieldSet

    /// Whether this entry is the one a write by `manager` with `operation` through `subresource` updates.
    func belongs(to manager: String, _ operation: Operation, _ subresource: String?) -> Bool {
        self.manager == manager && self.operation == operation && self.subresource == subresource
    }

    /// The entries stored in an object's `metadata.managedFields`.
    static func entries(of object: JSONValue) -> [FieldManagerEntry] {
        (object["metadata"]?["managedFields"]?.arrayValue ?? []).compactMap { item in
            guard let manager = item["manager"]?.stringValue,
                  let operation = item["operation"]?.stringValue.flatMap(Operation.init(rawValue:)) else { return nil }
            return FieldManagerEntry(
                manager: manager, operation: operation, apiVersion: item["apiVersion"]?.stringValue ?? "",
                time: item["time"]?.stringValue ?? "", subresource: item["subresource"]?.stringValue,
                fields: FieldSet(fieldsV1: item["fieldsV1"] ?? .object([:])))
        }
    }

    /// The JSON of this entry in the real server's format.
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "manager": .string(manager), "operation": .string(operation.rawValue), "apiVersion": .string(apiVersion),
            "time": .string(time), "fieldsType": "FieldsV1", "fieldsV1": fields.fieldsV1,
        ]
        if let subresource { members["subresource"] = .string(subresource) }
        return .object(members)
    }

    /// Stores `entries` into `object`, dropping entries that own nothing (as the real server does)
    /// and paths that no longer exist in the object.
    static func store(_ entries: [FieldManagerEntry], in object: inout JSONValue) {
        let kept = entries.compactMap { entry -> FieldManagerEntry? in
            var entry = entry
            entry.fields.paths = entry.fields.paths.filter { object.value(at: $0) != nil }
            return entry.fields.isEmpty ? nil : entry
        }
        object.setMetadata("managedFields", kept.isEmpty ? nil : .array(kept.map(\.json)))
    }

    /// An object with the `time` of every managed-fields entry removed, to compare two versions
    /// while ignoring when their managers last wrote.
    static func withoutTimes(_ object: JSONValue) -> JSONValue {
        guard let list = object["metadata"]?["managedFields"]?.arrayValue else { return object }
        var copy = object
        copy.setMetadata("managedFields", .array(list.map { $0.removingMembers(["time"]) }))
        return copy
    }
}
