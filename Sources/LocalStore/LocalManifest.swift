import Foundation
import KubeModel
import OperatorAPI
import Yams

/// Where something is in a YAML file (1-based line and column).
public struct SourcePosition: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One object read from a manifest, with the position of each of its fields in the source so
/// that a problem found later can be reported at its file, line and column.
public struct LocalManifest: Sendable {
    /// The file (`-` for standard input).
    public var file: String
    /// The line its YAML document starts on (1-based).
    public var line: Int
    /// The object as JSON.
    public var json: JSONValue
    /// Field paths (`spec.plugins[0].port`) to where their keys (or sequence items) are.
    public var positions: [String: SourcePosition]

    public init(file: String, line: Int = 1, json: JSONValue, positions: [String: SourcePosition] = [:]) {
        self.file = file
        self.line = line
        self.json = json
        self.positions = positions
    }

    /// `kind`, or the empty string.
    public var kind: String { json["kind"]?.stringValue ?? "" }
    /// `metadata.name`, or the empty string.
    public var name: String { json[path: ["metadata", "name"]]?.stringValue ?? "" }

    /// Reads every document of a YAML (or JSON) text; a malformed one throws a `ManifestError`
    /// naming the file, line and column.
    public static func read(text: String, file: String) throws -> [LocalManifest] {
        let objects = try ManifestDecoder.objects(in: text, file: file)
        var positionsByLine: [Int: [String: SourcePosition]] = [:]
        do {
            let parser = try Parser(yaml: text, resolver: .default, constructor: .default, encoding: .utf8)
            while let root = try parser.nextRoot() {
                var positions: [String: SourcePosition] = [:]
                collectPositions(root, path: "", into: &positions)
                positionsByLine[root.mark?.line ?? 1] = positions
            }
        } catch {
            // The decoder above already parsed the same text; positions are a convenience.
        }
        return objects.map { LocalManifest(file: $0.file, line: $0.line, json: $0.json, positions: positionsByLine[$0.line] ?? [:]) }
    }

    /// The position of a field path, or of its nearest enclosing field that the source has.
    public func position(of path: String) -> SourcePosition? {
        var path = path
        while !path.isEmpty {
            if let position = positions[path] { return position }
            if path.hasSuffix("]"), let open = path.lastIndex(of: "[") {
                path = String(path[..<open])
            } else if let dot = path.lastIndex(of: ".") {
                path = String(path[..<dot])
            } else {
                path = ""
            }
        }
        return nil
    }

    /// A `ManifestError` at a field path: the file, the field's line and column when known (else
    /// the document's line), the path and the reason.
    public func error(at field: String?, _ reason: String) -> ManifestError {
        let found: SourcePosition? = field.flatMap { self.position(of: $0) }
        return ManifestError(file: file, line: found?.line ?? line, column: found?.column, field: field, reason: reason)
    }

    private static func collectPositions(_ node: Node, path: String, into positions: inout [String: SourcePosition]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key else { continue }
                let child = path.isEmpty ? scalar.string : "\(path).\(scalar.string)"
                if let mark = key.mark { positions[child] = SourcePosition(line: mark.line, column: mark.column) }
                collectPositions(value, path: child, into: &positions)
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                let child = "\(path)[\(index)]"
                if let mark = item.mark { positions[child] = SourcePosition(line: mark.line, column: mark.column) }
                collectPositions(item, path: child, into: &positions)
            }
        case .scalar, .alias:
            break
        }
    }
}
