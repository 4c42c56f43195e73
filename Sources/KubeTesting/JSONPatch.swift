import Foundation
import KubeClient

/// JSON Patch (RFC 6902): a list of `add`, `remove`, `replace`, `move`, `copy` and `test`
/// operations addressed by JSON Pointers (RFC 6901), applied in order; any failure fails all.
struct JSONPatch: Sendable {
    /// Why a patch could not be decoded or applied.
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
        /// Whether the patch document itself was malformed (a 400 rather than a 422).
        var malformed: Bool
    }

    enum Operation: Sendable {
        case add(path: [String], value: JSONValue)
        case remove(path: [String])
        case replace(path: [String], value: JSONValue)
        case move(from: [String], path: [String])
        case copy(from: [String], path: [String])
        case test(path: [String], value: JSONValue)
    }

    var operations: [Operation]

    /// Decodes the patch document.
    init(parsing document: JSONValue) throws(Failure) {
        guard let list = document.arrayValue else {
            throw Failure(description: "json: cannot unmarshal object into Go value of type jsonpatch.Patch", malformed: true)
        }
        var operations: [Operation] = []
        for item in list {
            guard let op = item["op"]?.stringValue else { throw Failure(description: "missing 'op' in patch operation", malformed: true) }
            guard let pathText = item["path"]?.stringValue else { throw Failure(description: "missing 'path' in \(op) operation", malformed: true) }
            let path = try JSONPatch.pointer(pathText)
            func value() throws(Failure) -> JSONValue {
                guard let value = item["value"] else { throw Failure(description: "missing 'value' in \(op) operation", malformed: true) }
                return value
            }
            func from() throws(Failure) -> [String] {
                guard let text = item["from"]?.stringValue else { throw Failure(description: "missing 'from' in \(op) operation", malformed: true) }
                return try JSONPatch.pointer(text)
            }
            switch op {
            case "add": operations.append(.add(path: path, value: try value()))
            case "remove": operations.append(.remove(path: path))
            case "replace": operations.append(.replace(path: path, value: try value()))
            case "move": operations.append(.move(from: try from(), path: path))
            case "copy": operations.append(.copy(from: try from(), path: path))
            case "test": operations.append(.test(path: path, value: try value()))
            default: throw Failure(description: "Unexpected kind: \(op)", malformed: true)
            }
        }
        self.operations = operations
    }

    /// Applies every operation in order to `document`.
    func apply(to document: JSONValue) throws(Failure) -> JSONValue {
        var result = document
        for operation in operations {
            switch operation {
            case .add(let path, let value):
                try JSONPatch.add(value, at: path, in: &result)
            case .remove(let path):
                _ = try JSONPatch.remove(at: path, in: &result)
            case .replace(let path, let value):
                _ = try JSONPatch.remove(at: path, in: &result)
                try JSONPatch.add(value, at: path, in: &result)
            case .move(let from, let path):
                if from.count < path.count, path.starts(with: from) {
                    throw Failure(description: "move operation does not apply: from path is a prefix of path", malformed: false)
                }
                let value = try JSONPatch.remove(at: from, in: &result)
                try JSONPatch.add(value, at: path, in: &result)
            case .copy(let from, let path):
                guard let value = JSONPatch.get(from, in: result) else { throw missing(from) }
                try JSONPatch.add(value, at: path, in: &result)
            case .test(let path, let value):
                guard JSONPatch.get(path, in: result) == value else {
                    throw Failure(description: "testing value \(JSONPatch.render(path)) failed: test failed", malformed: false)
                }
            }
        }
        return result
    }

    private func missing(_ path: [String]) -> Failure {
        Failure(description: "doc is missing path: \"\(JSONPatch.render(path))\": missing value", malformed: false)
    }

    /// Splits a JSON Pointer into unescaped reference tokens.
    static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(description: "JSON pointer must be empty or start with a \"/\": \(text)", malformed: true) }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func render(_ path: [String]) -> String {
        path.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    static func get(_ path: [String], in document: JSONValue) -> JSONValue? {
        var current = document
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
              token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }

    private static func add(_ value: JSONValue, at path: [String], in document: inout JSONValue) throws(Failure) {
        guard let last = path.last else {
            document = value
            return
        }
        try modifyParent(of: path, in: &document) { (parent: inout JSONValue) throws(Failure) in
            switch parent {
            case .object(var members):
                members[last] = value
                parent = .object(members)
            case .array(var elements):
                if last == "-" {
                    elements.append(value)
                } else if let index = arrayIndex(last), index <= elements.count {
                    elements.insert(value, at: index)
                } else {
                    throw Failure(description: "add operation does not apply: index \(last) out of bounds at \(render(path))", malformed: false)
                }
                parent = .array(elements)
            default:
                throw Failure(description: "add operation does not apply: doc is missing path: \"\(render(path))\"", malformed: false)
            }
        }
    }

    private static func remove(at path: [String], in document: inout JSONValue) throws(Failure) -> JSONValue {
        guard let last = path.last else { throw Failure(description: "unable to remove the whole document", malformed: false) }
        var removed: JSONValue = .null
        try modifyParent(of: path, in: &document) { (parent: inout JSONValue) throws(Failure) in
            switch parent {
            case .object(var members):
                guard let value = members.removeValue(forKey: last) else {
                    throw Failure(description: "Unable to remove nonexistent key: \(last): missing value", malformed: false)
                }
                removed = value
                parent = .object(members)
            case .array(var elements):
                guard let index = arrayIndex(last), index < elements.count else {
                    throw Failure(description: "Unable to access invalid index: \(last): invalid index referenced", malformed: false)
                }
                removed = elements.remove(at: index)
                parent = .array(elements)
            default:
                throw Failure(description: "doc is missing path: \"\(render(path))\": missing value", malformed: false)
            }
        }
        return removed
    }

    /// Runs `body` on the container that holds the last token of `path`.
    private static func modifyParent(of path: [String], in document: inout JSONValue,
                                     _ body: (inout JSONValue) throws(Failure) -> Void) throws(Failure) {
        guard path.count > 1 else {
            try body(&document)
            return
        }
        let token = path[0]
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            guard var child = members[token] else {
                throw Failure(description: "doc is missing path: \"\(render(path))\": missing value", malformed: false)
            }
            members[token] = nil
            try modifyParent(of: rest, in: &child, body)
            members[token] = child
            document = .object(members)
        case .array(var elements):
            guard let index = arrayIndex(token), index < elements.count else {
                throw Failure(description: "doc is missing path: \"\(render(path))\": missing value", malformed: false)
            }
            var child = elements[index]
            try modifyParent(of: rest, in: &child, body)
            elements[index] = child
            document = .array(elements)
        default:
            throw Failure(description: "doc is missing path: \"\(render(path))\": missing value", malformed: false)
        }
    }
}
