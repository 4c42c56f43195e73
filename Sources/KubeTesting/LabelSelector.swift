import Foundation
import KubeClient

/// A parsed label selector in the query-string syntax of `?labelSelector=`: requirements joined by
/// commas, each `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`,
/// `key notin (a,b)`, `key>n` or `key<n`. All requirements must hold.
struct LabelSelector: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case exists(String)
        case doesNotExist(String)
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case greaterThan(String, Int)
        case lessThan(String, Int)
    }

    var requirements: [Requirement]

    /// The selector that matches everything.
    static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Parses the query-string syntax; throws a BadRequest error like the real server's.
    init(parsing text: String) throws(FakeAPIError) {
        var requirements: [Requirement] = []
        for part in LabelSelector.splitTopLevel(text) {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            requirements.append(try LabelSelector.parseRequirement(term))
        }
        self.requirements = requirements
    }

    /// Whether a set of labels satisfies every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .greaterThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 > bound } ?? false
            case .lessThan(let key, let bound): labels[key].flatMap { Int($0) }.map { $0 < bound } ?? false
            }
        }
    }

    /// Renders a meta/v1 LabelSelector object (`matchLabels`, `matchExpressions`) in the
    /// query-string syntax, as `metav1.LabelSelectorAsSelector(_).String()` does (sorted by key).
    static func format(_ selector: JSONValue) -> String {
        var terms: [(String, String)] = []
        for (key, value) in selector["matchLabels"]?.objectValue ?? [:] {
            terms.append((key, "\(key)=\(value.stringValue ?? "")"))
        }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch expression["operator"]?.stringValue ?? "" {
            case "In": terms.append((key, "\(key) in (\(values))"))
            case "NotIn": terms.append((key, "\(key) notin (\(values))"))
            case "Exists": terms.append((key, key))
            case "DoesNotExist": terms.append((key, "!\(key)"))
            default: continue
            }
        }
        return terms.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseRequirement(_ term: String) throws(FakeAPIError) -> Requirement {
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingCharacters(in: .whitespaces)
            try validateKey(key, term)
            return .doesNotExist(key)
        }
        for (symbol, make) in [("==", Requirement.equals), ("!=", Requirement.notEquals), ("=", Requirement.equals)] {
            if let range = term.range(of: symbol) {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                try validateKey(key, term)
                try validateValue(value, term)
                return make(key, value)
            }
        }
        for (symbol, greater) in [(">", true), ("<", false)] {
            if let range = term.range(of: symbol) {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let text = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard let bound = Int(text) else {
                    throw .badRequest("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer")
                }
                try validateKey(key, term)
                return greater ? .greaterThan(key, bound) : .lessThan(key, bound)
            }
        }
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            let rest = words[1].trimmingCharacters(in: .whitespaces)
            for (keyword, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(keyword) {
                let list = rest.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw .badRequest("unable to parse requirement: found '\(list)', expected: '('")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) })
                try validateKey(key, term)
                for value in values { try validateValue(value, term) }
                return isIn ? .in(key, values) : .notIn(key, values)
            }
            throw .badRequest("unable to parse requirement: found '\(rest)', expected: in, notin, =, ==, !=, gt, lt")
        }
        try validateKey(term, term)
        return .exists(term)
    }

    private static let keyCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_./"))

    private static func validateKey(_ key: String, _ term: String) throws(FakeAPIError) {
        if key.isEmpty || key.unicodeScalars.contains(where: { !keyCharacters.contains($0) }) {
            throw .badRequest("unable to parse requirement: invalid label key \"\(key)\" in \"\(term)\"")
        }
    }

    private static func validateValue(_ value: String, _ term: String) throws(FakeAPIError) {
        if value.count > 63 || value.unicodeScalars.contains(where: { !keyCharacters.contains($0) || $0 == "/" }) {
            throw .badRequest("unable to parse requirement: invalid label value: \"\(value)\" in \"\(term)\"")
        }
    }
}
