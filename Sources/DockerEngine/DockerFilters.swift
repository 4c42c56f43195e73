import Foundation

/// The engine's `filters` query parameter: names (`label`, `name`, `type`, `event`, `status`,
/// `dangling`, ...) each with a list of values; a listed object must match every name and at
/// least one value per name. Sent as JSON.
public struct DockerFilters: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The values per filter name.
    public var values: [String: [String]]

    public init(_ values: [String: [String]] = [:]) {
        self.values = values
    }

    public init(dictionaryLiteral elements: (String, [String])...) {
        values = Dictionary(elements, uniquingKeysWith: +)
    }

    /// Objects that carry the label `key` (with `value`, when given).
    public static func label(_ key: String, _ value: String? = nil) -> DockerFilters {
        DockerFilters().label(key, value)
    }

    /// Objects that carry every one of these labels with these values.
    public static func labels(_ labels: [String: String]) -> DockerFilters {
        var filters = DockerFilters()
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { filters.add("label", "\(key)=\(value)") }
        return filters
    }

    /// Adds a value under a filter name.
    public mutating func add(_ name: String, _ value: String) {
        values[name, default: []].append(value)
    }

    /// A copy with one more value under a filter name.
    public func adding(_ name: String, _ value: String) -> DockerFilters {
        var copy = self
        copy.add(name, value)
        return copy
    }

    /// A copy that also requires the label `key` (with `value`, when given).
    public func label(_ key: String, _ value: String? = nil) -> DockerFilters {
        adding("label", value.map { "\(key)=\($0)" } ?? key)
    }

    /// The JSON text of the query parameter; nil when there is no filter.
    var queryValue: String? {
        guard !values.isEmpty, let data = try? DockerClient.encoder.encode(values) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
