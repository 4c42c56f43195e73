import Foundation
import KubeClient

/// A parsed field selector (`?fieldSelector=`): `field=value`, `field==value` or `field!=value`
/// terms joined by commas. Every type supports `metadata.name` and `metadata.namespace`; a type
/// may name more fields (the built-in pods support `spec.nodeName` and `status.phase`, secrets `type`).
struct FieldSelector: Sendable, Hashable {
    struct Term: Sendable, Hashable {
        var path: FieldPath
        var value: String
        var negated: Bool
    }

    var terms: [Term]

    /// The selector that matches everything.
    static let everything = FieldSelector(terms: [])

    init(terms: [Term]) {
        self.terms = terms
    }

    /// Parses the selector, rejecting fields the type does not support as the real server does.
    init(parsing text: String, supportedFields: Set<String>) throws(FakeAPIError) {
        var terms: [Term] = []
        for part in text.split(separator: ",") {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            var parsed: (String, String, Bool)?
            for (symbol, negated) in [("!=", true), ("==", false), ("=", false)] {
                if let range = term.range(of: symbol) {
                    parsed = (String(term[..<range.lowerBound]), String(term[range.upperBound...]), negated)
                    break
                }
            }
            guard let (field, value, negated) = parsed else {
                throw .badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let name = field.trimmingCharacters(in: .whitespaces)
            guard supportedFields.contains(name) || name == "metadata.name" || name == "metadata.namespace" else {
                throw .badRequest("field label not supported: \(name)")
            }
            terms.append(Term(path: FieldPath(dotted: name), value: value.trimmingCharacters(in: .whitespaces), negated: negated))
        }
        self.terms = terms
    }

    /// Whether the object's fields satisfy every term (a missing field reads as the empty string).
    func matches(_ object: JSONValue) -> Bool {
        terms.allSatisfy { term in
            let actual = object.value(at: term.path).map { value -> String in
                switch value {
                case .string(let text): text
                case .bool(let flag): flag ? "true" : "false"
                case .number: value.intValue.map(String.init) ?? ""
                default: ""
                }
            } ?? ""
            return term.negated ? actual != term.value : actual == term.value
        }
    }

    /// The `metadata.name` this selector pins, when it has an equality term for it.
    var pinnedName: String? {
        terms.first { $0.path == ["metadata", "name"] && !$0.negated }?.value
    }
}
