import Foundation
import KubeModel
import PolicyEngine
import Yams

/// One object read from a manifest file: where it came from and what it is.
public struct ManifestObject: Sendable {
    /// The file (or `-` for standard input).
    public var file: String
    /// The line its YAML document starts on (1-based).
    public var line: Int
    /// The object as JSON.
    public var json: JSONValue

    /// `kind`, or the empty string.
    public var kind: String { json["kind"]?.stringValue ?? "" }
    /// Where the object is, for messages: `file:line (Kind name)`.
    public var location: String {
        let name = json[path: ["metadata", "name"]]?.stringValue ?? "<unnamed>"
        return "\(file):\(line) (\(kind.isEmpty ? "object" : kind) \(name))"
    }
}

/// A manifest that could not be read: the file, the line and column when YAML was malformed, or
/// the field path when an object does not fit its kind.
public struct ManifestError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var field: String?
    public var reason: String

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let field { text += ": \(field)" }
        return text + ": " + reason
    }
}

/// Reads Kubernetes-style YAML (several documents separated by `---`) into objects, and decodes
/// them into the operator's types with errors that name the file, line and field.
public enum ManifestDecoder {
    /// Parses every non-empty document of a YAML (or JSON) text.
    public static func objects(in text: String, file: String) throws -> [ManifestObject] {
        var objects: [ManifestObject] = []
        do {
            let parser = try Parser(yaml: text, resolver: .default, constructor: .default, encoding: .utf8)
            while let node = try parser.nextRoot() {
                // An empty document (`---` with nothing after it, or only comments) is skipped,
                // as kubectl skips it.
                guard let json = try jsonValue(node, file: file), json != .null else { continue }
                guard case .object = json else {
                    throw ManifestError(file: file, line: node.mark.map { $0.line }, reason: "a document must be a mapping (an object), not \(json)")
                }
                objects.append(ManifestObject(file: file, line: node.mark?.line ?? 1, json: json))
            }
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        return objects
    }

    /// Decodes an object into a type, naming the field path of the first problem.
    public static func decode<T: Decodable>(_ type: T.Type, from object: ManifestObject) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: try object.json.data())
        } catch let error as DecodingError {
            throw ManifestError(file: object.file, line: object.line, field: path(of: error), reason: reason(of: error))
        }
    }

    /// Reads a policy document from a file holding an MCPPolicy or a bare document, strictly
    /// (unknown fields are errors), and validates it; errors name the file and field paths.
    public static func policyDocument(in text: String, file: String) throws -> PolicyDocument {
        let objects = try objects(in: text, file: file)
        guard objects.count == 1, let object = objects.first else {
            throw ManifestError(file: file, reason: "expected one policy, found \(objects.count) documents")
        }
        do {
            return try policyDocument(json: object.json)
        } catch let error as PolicyValidationError {
            throw ManifestError(file: file, line: object.line, reason: error.description)
        }
    }

    /// The policy document of an MCPPolicy object, or a bare document, decoded strictly and
    /// validated; issue paths start at `spec` for an MCPPolicy and at the document otherwise.
    /// - Throws: `PolicyValidationError`.
    public static func policyDocument(json: JSONValue) throws -> PolicyDocument {
        let isResource = json["kind"]?.stringValue == "MCPPolicy"
        let root = isResource ? "spec" : ""
        let document = try PolicyDocument.decode(json: try (isResource ? (json["spec"] ?? [:]) : json).data(), root: root)
        try document.validateOrThrow(root: root)
        return document
    }

    static func jsonValue(_ node: Node, file: String) throws -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            // Plain scalars resolve to null, Booleans and numbers as YAML 1.1 reads them; quoted
            // ones stay strings.
            if scalar.style == .plain {
                let tag = Resolver.default.resolveTag(of: node)
                if tag == .null { return .null }
                if tag == .bool, let flag = Bool.construct(from: scalar) { return .bool(flag) }
                if tag == .int, let number = Int.construct(from: scalar) { return .number(Double(number)) }
                if tag == .float, let number = Double.construct(from: scalar) {
                    guard number.isFinite else {
                        throw ManifestError(file: file, line: node.mark?.line, column: node.mark?.column,
                                            reason: "\(scalar.string) is not a finite number (quote it to mean the text)")
                    }
                    return .number(number)
                }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ManifestError(file: file, line: key.mark?.line, column: key.mark?.column, reason: "mapping keys must be strings")
                }
                members[keyScalar.string] = try jsonValue(value, file: file) ?? .null
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map { try jsonValue($0, file: file) ?? .null })
        case .alias:
            throw ManifestError(file: file, line: node.mark?.line, column: node.mark?.column, reason: "YAML aliases are not supported")
        }
    }

    static func yamlError(_ error: YamlError, file: String) -> ManifestError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let why = context.map { "\(problem) (\($0.text))" } ?? problem
            return ManifestError(file: file, line: mark.line, column: mark.column, reason: "invalid YAML: \(why)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Not the error's own description: it carries the whole file.
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return ManifestError(file: file, line: context.mark.line, column: context.mark.column,
                                 reason: "invalid YAML: the mapping has the key \(keys) more than once")
        case .reader(let problem, let offset, _, _):
            return ManifestError(file: file, reason: "invalid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        default:
            return ManifestError(file: file, reason: "invalid YAML: \(error)")
        }
    }

    static func path(of error: DecodingError) -> String {
        let codingPath: [CodingKey]
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): codingPath = context.codingPath
        case .keyNotFound(let key, let context): codingPath = context.codingPath + [key]
        @unknown default: codingPath = []
        }
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "<root>" : text
    }

    static func reason(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): return "expected \(type)"
        case .valueNotFound(let type, _): return "expected \(type), found null"
        case .keyNotFound: return "is required"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }
}
