import Foundation
import KubeModel
import OperatorAPI
import PolicyEngine

/// An object ready to store: validated by the same rules as the CRDs, defaults written out,
/// reduced to the fields `apply` owns (apiVersion, kind, metadata name/namespace/labels/annotations
/// and spec; status and server-set metadata are ignored, as `kubectl apply` does for a CRD with a
/// status subresource).
public struct PreparedObject: Sendable, Hashable {
    public var kind: LocalKind
    public var namespace: String
    public var name: String
    /// `metadata.labels` and `metadata.annotations`, as given.
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The spec with defaults written out.
    public var spec: JSONValue
}

/// A manifest that breaks the rules, with every problem at its file, line, column and field path.
public struct InvalidManifestError: Error, Sendable, CustomStringConvertible {
    /// Every problem, in field order.
    public var problems: [ManifestError]

    public init(problems: [ManifestError]) { self.problems = problems }

    /// One line per problem: `file:line:column: field: reason`.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension LocalManifest {
    /// Validates and defaults the object. `namespace` is the namespace to use when the object
    /// names none; with `requireNamespace`, an object naming another namespace is an error (as
    /// kubectl's `-n` is).
    public func prepare(namespace defaultNamespace: String = "default", requireNamespace: Bool = false) throws -> PreparedObject {
        let apiVersion = json["apiVersion"]?.stringValue ?? ""
        let kindName = json["kind"]?.stringValue ?? ""
        if kindName.isEmpty { throw InvalidManifestError(problems: [error(at: "kind", "is required")]) }
        if apiVersion.isEmpty { throw InvalidManifestError(problems: [error(at: "apiVersion", "is required")]) }
        guard let kind = LocalKind(rawValue: kindName), apiVersion == OperatorGroup.apiVersion else {
            let known = LocalKind.allCases.map(\.rawValue).joined(separator: " and ")
            throw InvalidManifestError(problems: [error(at: LocalKind(rawValue: kindName) == nil ? "kind" : "apiVersion",
                "no matches for kind \"\(kindName)\" in version \"\(apiVersion)\": local mode knows \(known) in \(OperatorGroup.apiVersion)")])
        }
        var problems: [ManifestError] = []
        var given = json
        given["status"] = nil
        // The object as given, to name in problems found before its metadata decodes.
        let givenName = given[path: ["metadata", "name"]]?.stringValue ?? ""
        let givenNamespace = given[path: ["metadata", "namespace"]]?.stringValue ?? defaultNamespace
        problems += unknownTopLevelFields(given)

        let metadata: ObjectMeta
        do {
            metadata = try decode(ObjectMeta.self, from: given["metadata"] ?? [:], root: "metadata")
        } catch let problem as ManifestError {
            throw InvalidManifestError(problems: (problems + [problem]).map { $0.naming(kind, givenNamespace, givenName) })
        }
        problems += unknownFields(given["metadata"] ?? [:], (try? JSONValue(encoding: metadata)) ?? [:], path: "metadata")
        let name = metadata.name ?? ""
        if name.isEmpty {
            problems.append(error(at: "metadata.name", "is required"))
        } else if !isObjectName(name) {
            problems.append(error(at: "metadata.name", "\"\(name)\" must consist of lowercase letters, digits, '-' and '.', start and end with a letter or digit, at most 253 characters"))
        }
        let namespace = metadata.namespace ?? defaultNamespace
        if let given = metadata.namespace {
            if !isLabel(given) {
                problems.append(error(at: "metadata.namespace", "\"\(given)\" must be a DNS label (lowercase letters, digits, '-'; at most 63 characters)"))
            } else if requireNamespace, given != defaultNamespace {
                problems.append(error(at: "metadata.namespace", "the namespace from the provided object \"\(given)\" does not match the namespace \"\(defaultNamespace)\"; pass --namespace=\(given) to apply it"))
            }
        }

        let spec: JSONValue
        switch kind {
        case .server:
            let server: MCPServer
            do {
                server = try decode(MCPServer.self, from: given, root: "")
            } catch let problem as ManifestError {
                throw InvalidManifestError(problems: (problems + [problem]).map { $0.naming(kind, namespace, name) })
            }
            problems += unknownFields(given["spec"] ?? [:], try JSONValue(encoding: server.spec), path: "spec")
            var named = server
            named.metadata.namespace = namespace
            problems += named.validate().filter { !$0.path.hasPrefix("metadata.name") || !name.isEmpty && isObjectName(name) }
                .map { error(at: $0.path, $0.reason) }
            spec = try JSONValue(encoding: server.withDefaults().spec)
        case .policy:
            do {
                let document = try PolicyDocument.decode(json: try (given["spec"] ?? [:]).data(), root: "spec")
                problems += document.validate(root: "spec").map { error(at: $0.path, $0.message) }
                spec = try JSONValue(parsing: document.canonicalJSON())
            } catch let invalid as PolicyValidationError {
                throw InvalidManifestError(problems: (problems + invalid.issues.map { error(at: $0.path, $0.message) })
                    .map { $0.naming(kind, namespace, name) })
            }
        }
        guard problems.isEmpty else { throw InvalidManifestError(problems: problems.map { $0.naming(kind, namespace, name) }) }
        return PreparedObject(kind: kind, namespace: namespace, name: name, labels: metadata.labels ?? [:],
                              annotations: metadata.annotations ?? [:], spec: spec)
    }

    /// Decodes JSON into a type; a mismatch becomes a `ManifestError` at the field's path under `root`.
    private func decode<T: Decodable>(_ type: T.Type, from json: JSONValue, root: String) throws -> T {
        do {
            return try json.decode(as: T.self)
        } catch let decoding as DecodingError {
            let (codingPath, reason): ([CodingKey], String)
            switch decoding {
            case .typeMismatch(let type, let context): (codingPath, reason) = (context.codingPath, "expected \(Self.describe(type))")
            case .valueNotFound(let type, let context): (codingPath, reason) = (context.codingPath, "expected \(Self.describe(type)), found null")
            case .keyNotFound(let key, let context): (codingPath, reason) = (context.codingPath + [key], "is required")
            case .dataCorrupted(let context): (codingPath, reason) = (context.codingPath, context.debugDescription)
            @unknown default: (codingPath, reason) = ([], "\(decoding)")
            }
            let path = codingPath.reduce(root) { path, key in
                if let index = key.intValue { return "\(path)[\(index)]" }
                return path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
            }
            throw error(at: path.isEmpty ? nil : path, reason)
        }
    }

    /// A Swift type as a YAML author knows it: `a string`, `a number`, `an object`, `a list`.
    static func describe(_ type: Any.Type) -> String {
        let text = "\(type)"
        if text.hasPrefix("Dictionary") || text.hasPrefix("[String") || text == "JSONValue" { return "an object" }
        if text.hasPrefix("Array") || text.hasPrefix("[") { return "a list" }
        switch text {
        case "String": return "a string"
        case "Int", "Int32", "Int64", "UInt", "UInt32", "UInt64", "Double", "Float": return "a number"
        case "Bool": return "true or false"
        default: return text
        }
    }

    private func unknownTopLevelFields(_ json: JSONValue) -> [ManifestError] {
        let known: Set<String> = ["apiVersion", "kind", "metadata", "spec"]
        return (json.objectValue ?? [:]).keys.sorted().filter { !known.contains($0) }.map { error(at: $0, "unknown field") }
    }

    /// Fields of `given` that decoding dropped (a typo such as `replica:`), as kubectl's strict
    /// field validation reports them. Null values are not fields.
    private func unknownFields(_ given: JSONValue, _ known: JSONValue, path: String) -> [ManifestError] {
        switch (given, known) {
        case (.object(let givenMembers), .object(let knownMembers)):
            return givenMembers.keys.sorted().flatMap { key -> [ManifestError] in
                let child = "\(path).\(key)"
                guard let knownValue = knownMembers[key] else {
                    return givenMembers[key]!.isNull ? [] : [error(at: child, "unknown field")]
                }
                return unknownFields(givenMembers[key]!, knownValue, path: child)
            }
        case (.array(let givenItems), .array(let knownItems)) where givenItems.count == knownItems.count:
            return givenItems.indices.flatMap { unknownFields(givenItems[$0], knownItems[$0], path: "\(path)[\($0)]") }
        default:
            return []
        }
    }
}

extension ManifestError {
    /// The same problem with the object it belongs to named in the reason.
    func naming(_ kind: LocalKind, _ namespace: String, _ name: String) -> ManifestError {
        var copy = self
        copy.reason += " (\(kind.rawValue) \(namespace)/\(name.isEmpty ? "<unnamed>" : name))"
        return copy
    }
}

/// A DNS-1123 label: what a namespace must be.
func isLabel(_ text: String) -> Bool {
    guard !text.isEmpty, text.utf8.count <= 63 else { return false }
    let bytes = Array(text.utf8)
    func alphanumeric(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    return alphanumeric(bytes.first!) && alphanumeric(bytes.last!) && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
}

/// A DNS-1123 subdomain: what an object name must be.
func isObjectName(_ text: String) -> Bool {
    guard !text.isEmpty, text.utf8.count <= 253 else { return false }
    return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
}
