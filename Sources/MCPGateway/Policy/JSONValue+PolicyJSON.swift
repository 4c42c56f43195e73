import PolicyEngine

extension JSONValue {
    /// The value as the policy engine's JSON (numbers become doubles).
    public var policyJSON: PolicyJSON {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .number(Double(value))
        case .double(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array(let elements): return .array(elements.map(\.policyJSON))
        case .object(let members): return .object(members.mapValues(\.policyJSON))
        }
    }

    /// Every string in the value (not object keys) passed through `transform`; numbers untouched.
    public func mapStrings(skippingKeys skipped: Set<String> = [], _ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let value): return .string(transform(value))
        case .array(let elements): return .array(elements.map { $0.mapStrings(skippingKeys: skipped, transform) })
        case .object(let members):
            var mapped = members
            for (key, value) in members where !skipped.contains(key) { mapped[key] = value.mapStrings(skippingKeys: skipped, transform) }
            return .object(mapped)
        default: return self
        }
    }

    /// A tool result (`CallToolResult`) with `transform` applied to what people read: the text of
    /// its content items and of embedded resources, titles and descriptions, and every string of
    /// `structuredContent`; never to base64 `data` or `blob`, `mimeType`, `uri` or `type`, which
    /// a replacement would corrupt.
    public func mapToolResultText(_ transform: (String) -> String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let content = members["content"] {
            members["content"] = content.mapStrings(skippingKeys: ["data", "blob", "mimeType", "uri", "type", "_meta"], transform)
        }
        if let structured = members["structuredContent"] { members["structuredContent"] = structured.mapStrings(transform) }
        return .object(members)
    }
}
