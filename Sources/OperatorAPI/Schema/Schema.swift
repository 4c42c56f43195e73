import KubeModel

/// Builders for structural OpenAPI v3 schemas as CustomResourceDefinitions want them: every node
/// typed, every field described (for `kubectl explain`), defaults, enums, bounds and CEL rules.
public enum Schema {
    /// An object with known properties.
    public static func object(_ description: String, _ properties: [String: JSONValue], required: [String] = [],
                              rules: [(rule: String, message: String)] = []) -> JSONValue {
        var node: JSONValue = ["type": "object", "description": .string(description), "properties": .object(properties)]
        if !required.isEmpty { node["required"] = .array(required.sorted().map { .string($0) }) }
        if !rules.isEmpty {
            node["x-kubernetes-validations"] = .array(rules.map { ["rule": .string($0.rule), "message": .string($0.message)] })
        }
        return node
    }

    /// A string, optionally an enum, pattern, length bounds, default or format.
    public static func string(_ description: String, enum values: [String]? = nil, pattern: String? = nil,
                              minLength: Int? = nil, maxLength: Int? = nil, default value: String? = nil,
                              format: String? = nil) -> JSONValue {
        var node: JSONValue = ["type": "string", "description": .string(description)]
        if let values { node["enum"] = .array(values.map { .string($0) }) }
        if let pattern { node["pattern"] = .string(pattern) }
        if let minLength { node["minLength"] = .number(Double(minLength)) }
        if let maxLength { node["maxLength"] = .number(Double(maxLength)) }
        if let value { node["default"] = .string(value) }
        if let format { node["format"] = .string(format) }
        return node
    }

    /// An integer with optional bounds and default.
    public static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil, default value: Int? = nil,
                               format: String = "int32") -> JSONValue {
        var node: JSONValue = ["type": "integer", "format": .string(format), "description": .string(description)]
        if let minimum { node["minimum"] = .number(Double(minimum)) }
        if let maximum { node["maximum"] = .number(Double(maximum)) }
        if let value { node["default"] = .number(Double(value)) }
        return node
    }

    /// A number with optional bounds.
    public static func number(_ description: String, minimum: Double? = nil, exclusiveMinimum: Bool = false) -> JSONValue {
        var node: JSONValue = ["type": "number", "description": .string(description)]
        if let minimum { node["minimum"] = .number(minimum) }
        if exclusiveMinimum { node["exclusiveMinimum"] = true }
        return node
    }

    /// A Boolean with an optional default.
    public static func boolean(_ description: String, default value: Bool? = nil) -> JSONValue {
        var node: JSONValue = ["type": "boolean", "description": .string(description)]
        if let value { node["default"] = .bool(value) }
        return node
    }

    /// An array; `mapKeys` makes it a map-list (items unique by those keys, merged per item by
    /// server-side apply); `set` makes it a set of unique scalars.
    public static func array(_ description: String, of items: JSONValue, mapKeys: [String]? = nil, set: Bool = false,
                             maxItems: Int? = nil) -> JSONValue {
        var node: JSONValue = ["type": "array", "description": .string(description), "items": items]
        if let mapKeys {
            node["x-kubernetes-list-type"] = "map"
            node["x-kubernetes-list-map-keys"] = .array(mapKeys.map { .string($0) })
        } else if set {
            node["x-kubernetes-list-type"] = "set"
        }
        if let maxItems { node["maxItems"] = .number(Double(maxItems)) }
        return node
    }

    /// An object of arbitrary keys with values of one schema.
    public static func map(_ description: String, of values: JSONValue) -> JSONValue {
        ["type": "object", "description": .string(description), "additionalProperties": values]
    }

    /// An integer or a string (a port name or number, a quantity such as `500m`).
    public static func intOrString(_ description: String, pattern: String? = nil) -> JSONValue {
        var node: JSONValue = ["x-kubernetes-int-or-string": true, "description": .string(description),
                               "anyOf": [["type": "integer"], ["type": "string"]]]
        if let pattern { node["pattern"] = .string(pattern) }
        return node
    }

    /// An object whose fields Kubernetes defines (kept as given, not pruned).
    public static func kubernetesObject(_ description: String) -> JSONValue {
        ["type": "object", "description": .string(description), "x-kubernetes-preserve-unknown-fields": true]
    }
}
