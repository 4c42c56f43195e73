import Foundation
import Yams

/// A node of a parsed kubeconfig together with where it is (file and field path), so every
/// accessor can throw an error that names both.
struct YAMLField {
    let node: Node
    /// The field path, such as `users[1].user`; empty for the document root.
    let path: String
    /// The file the node came from.
    let file: String

    /// Parses `text` as one YAML document; nil for an empty document.
    static func parse(_ text: String, file: String) throws -> YAMLField? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        } catch {
            throw KubeConfigError.yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
        return root.map { YAMLField(node: $0, path: "", file: file) }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> KubeConfigError {
        func problem(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let text, let mark, _),
             .parser(let context, let text, let mark, _),
             .composer(let context, let text, let mark, _):
            return .yamlSyntax(file: file, line: mark.line, column: mark.column, problem: problem(context, text))
        case .reader(let text, let offset, _, let yaml):
            var line: Int?
            var column: Int?
            if let offset, offset <= yaml.count {
                let prefix = yaml.prefix(offset)
                line = prefix.count(where: { $0 == "\n" }) + 1
                column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
            }
            return .yamlSyntax(file: file, line: line, column: column, problem: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .yamlSyntax(
                file: file, line: context.mark.line, column: context.mark.column,
                problem: "duplicate key " + duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", "))
        default:
            return .yamlSyntax(file: file, line: nil, column: nil, problem: "\(error)")
        }
    }

    func invalid(_ problem: String) -> KubeConfigError {
        .invalidField(file: file, field: path.isEmpty ? "(top level)" : path, problem: problem)
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private var isNull: Bool { node.null != nil }

    /// The members of this mapping, in file order; throws when the node is not a mapping.
    func members() throws -> [(key: String, value: YAMLField)] {
        guard let mapping = node.mapping else { throw invalid("expected a mapping") }
        return mapping.map { pair in
            let key = pair.key.string ?? "\(pair.key)"
            return (key, YAMLField(node: pair.value, path: childPath(key), file: file))
        }
    }

    /// The member `key`; nil when absent or null. Throws when this node is not a mapping.
    func field(_ key: String) throws -> YAMLField? {
        guard let mapping = node.mapping else { throw invalid("expected a mapping") }
        guard let value = mapping[key] else { return nil }
        let field = YAMLField(node: value, path: childPath(key), file: file)
        return field.isNull ? nil : field
    }

    /// The member `key` as a mapping; nil when absent or null.
    func mapping(_ key: String) throws -> YAMLField? {
        guard let field = try field(key) else { return nil }
        guard field.node.mapping != nil else { throw field.invalid("expected a mapping") }
        return field
    }

    /// The elements of the sequence `key`, each with its index in its path; empty when absent or null.
    func sequence(_ key: String) throws -> [YAMLField] {
        guard let field = try field(key) else { return [] }
        guard let sequence = field.node.sequence else { throw field.invalid("expected a list") }
        return sequence.enumerated().map { index, node in
            YAMLField(node: node, path: "\(field.path)[\(index)]", file: file)
        }
    }

    /// The member `key` as a string; nil when absent, null or empty. Plain numbers are accepted as text.
    func string(_ key: String) throws -> String? {
        guard let field = try field(key) else { return nil }
        let value = try field.stringValue()
        return value.isEmpty ? nil : value
    }

    /// This node as a string.
    func stringValue() throws -> String {
        guard let scalar = node.scalar else { throw invalid("expected a string") }
        return scalar.string
    }

    /// The member `key` as a Boolean; nil when absent or null.
    func bool(_ key: String) throws -> Bool? {
        guard let field = try field(key) else { return nil }
        // A quoted "true" is a string, as in client-go, where it fails to decode as a Boolean.
        guard field.node.tag.rawValue == Tag.Name.bool.rawValue, let value = field.node.bool else {
            throw field.invalid("expected true or false")
        }
        return value
    }

    /// The member `key` decoded from base64; nil when absent, null or empty.
    func base64(_ key: String) throws -> Data? {
        guard let field = try field(key) else { return nil }
        let text = try field.stringValue().filter { !$0.isWhitespace }
        if text.isEmpty { return nil }
        // Go's decoder requires padding; tolerate its absence, reject anything else.
        let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { throw field.invalid("invalid base64") }
        return data
    }

    /// This node as JSON (for exec plugin cluster config extensions).
    func json() -> JSONValue {
        Self.json(node)
    }

    private static func json(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? "\(key)"] = json(value) }
            return .object(object)
        case .sequence(let sequence):
            return .array(sequence.map(json))
        case .scalar(let scalar):
            if node.null != nil { return .null }
            let tag = node.tag.rawValue
            if tag == Tag.Name.bool.rawValue, let value = node.bool { return .bool(value) }
            if tag == Tag.Name.int.rawValue, let value = node.int { return .number(Double(value)) }
            if tag == Tag.Name.float.rawValue, let value = node.float { return .number(value) }
            return .string(scalar.string)
        case .alias:
            return .null
        }
    }
}
