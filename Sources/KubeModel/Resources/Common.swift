/// A resource quantity such as `500m`, `128Mi` or `2` (resource.Quantity). Kubernetes writes
/// quantities as strings, but a custom resource keeps what its author wrote, and the CRDs allow
/// `cpu: 2` (an integer or a string): a bare JSON number decodes too. Encoded as a string.
public struct Quantity: Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The quantity as written, such as `500m`.
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(stringLiteral value: String) { self.text = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let integer = try? container.decode(Int64.self) {
            self.text = String(integer)
        } else {
            self.text = String(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }
}

/// A value that is either an integer or a string (intstr.IntOrString): a port number or port name,
/// a count or a percentage such as `25%`. Encoded as a bare JSON number or string.
public enum IntOrString: Codable, Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    case int(Int)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.typeMismatch(
                IntOrString.self,
                .init(codingPath: decoder.codingPath, debugDescription: "Expected an integer or a string"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    /// The integer, when this is one.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as a count out of `total`: an integer as is, a percentage such as `25%` scaled to
    /// `total` and rounded up or down. Nil for a string that is not a percentage.
    public func scaledValue(total: Int, roundUp: Bool) -> Int? {
        switch self {
        case .int(let value):
            return value
        case .string(let text):
            guard text.hasSuffix("%"), let percent = Int(text.dropLast()) else { return nil }
            let product = percent * total
            if roundUp { return product >= 0 ? (product + 99) / 100 : product / 100 }
            return product >= 0 ? product / 100 : (product - 99) / 100
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return value
        }
    }
}

/// Selects objects by their labels (meta/v1 LabelSelector); all terms must hold.
public struct LabelSelector: Codable, Sendable, Hashable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: [String: String]?
    /// Set-based requirements.
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One set-based term of a label selector: `key` `operator` `values`.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public var `operator`: String
    /// The values for `In` and `NotIn`; empty for `Exists` and `DoesNotExist`.
    public var values: [String]?

    public init(key: String, `operator`: String, values: [String]? = nil) {
        self.key = key
        self.`operator` = `operator`
        self.values = values
    }
}

extension LabelSelector {
    /// Whether labels satisfy this selector: every `matchLabels` pair and every requirement must hold.
    /// An empty selector matches everything; a requirement with an unknown operator matches nothing.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] where !requirement.matches(labels) { return false }
        return true
    }

    /// Whether the selector has no terms (and so selects everything).
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    /// The selector in the string syntax of the `labelSelector` query parameter, such as
    /// `app=web,!legacy,tier in (a,b)`, as the Go client renders it: terms sorted by key, values sorted.
    public var queryString: String {
        var terms = (matchLabels ?? [:]).map { (key: $0.key, text: "\($0.key)=\($0.value)") }
        for requirement in matchExpressions ?? [] {
            let key = requirement.key
            let values = (requirement.values ?? []).sorted().joined(separator: ",")
            switch requirement.operator {
            case "In": terms.append((key, "\(key) in (\(values))"))
            case "NotIn": terms.append((key, "\(key) notin (\(values))"))
            case "Exists": terms.append((key, key))
            case "DoesNotExist": terms.append((key, "!\(key)"))
            default: terms.append((key, "\(key) \(requirement.operator) (\(values))"))
            }
        }
        return terms.enumerated()
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element.text)
            .joined(separator: ",")
    }
}

extension LabelSelectorRequirement {
    /// Whether labels satisfy this one requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case "In": return labels[key].map { (values ?? []).contains($0) } ?? false
        case "NotIn": return labels[key].map { !(values ?? []).contains($0) } ?? true
        case "Exists": return labels[key] != nil
        case "DoesNotExist": return labels[key] == nil
        default: return false
        }
    }
}

/// One aspect of an object's state (meta/v1 Condition), as in `status.conditions`.
public struct Condition: Codable, Sendable, Hashable {
    /// The condition's type, in CamelCase, such as `Ready`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    /// The `metadata.generation` the condition was set from.
    public var observedGeneration: Int64?
    /// When `status` last changed (RFC 3339).
    public var lastTransitionTime: String?
    /// A CamelCase reason for the last transition.
    public var reason: String?
    /// A human-readable explanation.
    public var message: String?

    public init(
        type: String,
        status: String,
        observedGeneration: Int64? = nil,
        lastTransitionTime: String? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

extension Condition {
    /// The longest message the API accepts (metav1.Condition: 32768).
    public static let maxMessageBytes = 32768

    /// `message` cut to fit `maxMessageBytes`, ending with a note that it was cut.
    static func truncated(_ message: String) -> String {
        let marker = " … (truncated)"
        return message.prefix(utf8Bytes: maxMessageBytes - marker.utf8.count) + marker
    }
}

extension String {
    /// The longest prefix, cut between characters, of at most `limit` UTF-8 bytes: API fields
    /// such as an Event's note or a condition's message are bounded in bytes, not characters.
    public func prefix(utf8Bytes limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var used = 0
        var end = startIndex
        for character in self {
            let size = character.utf8.count
            guard used + size <= limit else { break }
            used += size
            end = index(after: end)
        }
        return String(self[..<end])
    }
}

extension [Condition] {
    /// Sets `condition` in place (or appends it), keeping `lastTransitionTime` unless the status
    /// flips, as the API conventions ask; `now` is the time of a flip (RFC 3339).
    public mutating func set(_ condition: Condition, now: String) {
        var condition = condition
        if let message = condition.message, message.utf8.count > Condition.maxMessageBytes {
            condition.message = Condition.truncated(message)
        }
        if let index = firstIndex(where: { $0.type == condition.type }) {
            let old = self[index]
            condition.lastTransitionTime = old.status == condition.status ? (old.lastTransitionTime ?? now) : now
            self[index] = condition
        } else {
            condition.lastTransitionTime = now
            append(condition)
        }
    }
}

/// A reference to an object, or a field of one (core/v1 ObjectReference).
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    /// A field within the object, such as `spec.containers{gateway}`.
    public var fieldPath: String?

    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        name: String? = nil,
        namespace: String? = nil,
        uid: String? = nil,
        resourceVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }
}

/// A reference to an object by name in the same namespace.
public struct LocalObjectReference: Codable, Sendable, Hashable {
    public var name: String?

    public init(name: String? = nil) {
        self.name = name
    }
}
