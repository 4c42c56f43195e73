import Crypto
import Foundation

extension PolicyDocument {
    /// The canonical rendering: the normalized document as JSON with keys sorted, no
    /// insignificant whitespace and minimal escaping (see `PolicyJSON.canonicalBytes()`). Equal
    /// policies — however their keys were ordered and whichever defaults were spelled out —
    /// render to the same bytes.
    public func canonicalJSON() -> Data {
        Data(canonicalBytes())
    }

    /// The policy's version: `sha256:` and the lowercase hex SHA-256 of `canonicalJSON()`.
    public var version: String {
        Self.version(ofCanonical: canonicalBytes())
    }

    func canonicalBytes() -> [UInt8] {
        Self.canonicalBytes(ofNormalized: normalized())
    }

    /// The canonical bytes of a document that is already normalized.
    static func canonicalBytes(ofNormalized document: PolicyDocument) -> [UInt8] {
        do {
            return try PolicyJSON(encoding: document).canonicalBytes()
        } catch {
            preconditionFailure("a PolicyDocument always encodes: \(error)")
        }
    }

    static func version(ofCanonical bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).hexString
    }

    /// Decodes a document from JSON, strictly: a value of the wrong type or a field the policy
    /// does not have (a typo like `denyTool`) is reported with its path under `root`. The result
    /// is not yet validated.
    public static func decode(json data: Data, root: String = "spec") throws(PolicyValidationError) -> PolicyDocument {
        let document: PolicyDocument
        do {
            document = try JSONDecoder().decode(PolicyDocument.self, from: data)
        } catch let error as DecodingError {
            throw .malformed([issue(for: error, root: root)])
        } catch {
            throw .malformed([PolicyIssue(path: root, message: "not valid JSON")])
        }
        let given: PolicyJSON
        let known: PolicyJSON
        do {
            // The threat-intelligence list is only strings, with no field to misspell: leave its
            // (often 100,000) entries out of the comparison rather than encode them again.
            var shape = document
            shape.threatIntel?.denyCIDRs = nil
            given = try PolicyJSON(parsing: data).removingMember(at: "threatIntel", "denyCIDRs")
            known = try PolicyJSON(encoding: shape)
        } catch {
            throw .malformed([PolicyIssue(path: root, message: "not valid JSON")])
        }
        var unknown: [PolicyIssue] = []
        collectUnknownFields(given, known, path: root, into: &unknown)
        if !unknown.isEmpty { throw .malformed(unknown) }
        return document
    }

    private static func collectUnknownFields(_ given: PolicyJSON, _ known: PolicyJSON, path: String, into issues: inout [PolicyIssue]) {
        switch (given, known) {
        case (.object(let givenMembers), .object(let knownMembers)):
            for key in givenMembers.keys.sorted() {
                let child = "\(path).\(key)"
                guard let knownValue = knownMembers[key] else {
                    if givenMembers[key] != .null { issues.append(PolicyIssue(path: child, message: "unknown field")) }
                    continue
                }
                collectUnknownFields(givenMembers[key]!, knownValue, path: child, into: &issues)
            }
        case (.array(let givenElements), .array(let knownElements)) where givenElements.count == knownElements.count:
            for index in givenElements.indices {
                collectUnknownFields(givenElements[index], knownElements[index], path: "\(path)[\(index)]", into: &issues)
            }
        default:
            break
        }
    }

    private static func issue(for error: DecodingError, root: String) -> PolicyIssue {
        func render(_ codingPath: [CodingKey]) -> String {
            codingPath.reduce(root) { path, key in
                if let index = key.intValue { return "\(path)[\(index)]" }
                return "\(path).\(key.stringValue)"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return PolicyIssue(path: render(context.codingPath), message: "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return PolicyIssue(path: render(context.codingPath), message: "expected \(describe(type)), found null")
        case .keyNotFound(let key, let context):
            return PolicyIssue(path: render(context.codingPath + [key]), message: "required field is missing")
        case .dataCorrupted(let context):
            let message = context.codingPath.isEmpty ? "not valid JSON" : "invalid value (\(context.debugDescription))"
            return PolicyIssue(path: render(context.codingPath), message: message)
        @unknown default:
            return PolicyIssue(path: root, message: "malformed document")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal digits.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in self {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension PolicyJSON {
    /// This value without the member at `path` (object keys from the root); unchanged when the
    /// path does not lead to one.
    fileprivate func removingMember(at path: String...) -> PolicyJSON {
        removingMember(at: path[...])
    }

    private func removingMember(at path: ArraySlice<String>) -> PolicyJSON {
        guard let key = path.first, case .object(var members) = self, let child = members[key] else { return self }
        if path.count == 1 {
            members[key] = nil
        } else {
            members[key] = child.removingMember(at: path.dropFirst())
        }
        return .object(members)
    }
}
