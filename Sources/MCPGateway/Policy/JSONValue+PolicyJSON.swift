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
    public func mapStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let value): return .string(transform(value))
        case .array(let elements): return .array(elements.map { $0.mapStrings(transform) })
        case .object(let members): return .object(members.mapValues { $0.mapStrings(transform) })
        default: return self
        }
    }
}
