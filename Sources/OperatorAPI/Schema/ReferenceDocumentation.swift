import Foundation
import KubeModel

/// The MCPServer and MCPPolicy reference in Markdown, rendered from the same CRDs as crds/ (what
/// `mcpctl crds generate` writes to docs/reference/): every field with its type, whether it is
/// required, its default, its bounds and its description, and each object's validation rules.
public enum ReferenceDocumentation {
    /// Every page with the file name it is written to.
    public static var all: [(fileName: String, markdown: String)] {
        [("mcpserver.md", page(CustomResourceDefinitions.mcpServer)), ("mcppolicy.md", page(CustomResourceDefinitions.mcpPolicy))]
    }

    /// The page of one CustomResourceDefinition.
    public static func page(_ definition: JSONValue) -> String {
        let spec = definition["spec"] ?? [:]
        let kind = spec["names"]?["kind"]?.stringValue ?? ""
        let group = spec["group"]?.stringValue ?? ""
        let version = spec["versions"]?.arrayValue?.first
        let schema = version?["schema"]?["openAPIV3Schema"] ?? [:]
        var lines = [
            "# \(kind) reference",
            "",
            "<!-- Generated from the Swift types by `mcpctl crds generate`; do not edit. -->",
            "",
            text(schema["description"]?.stringValue ?? ""),
            "",
            "| | |",
            "|---|---|",
            "| apiVersion | `\(group)/\(version?["name"]?.stringValue ?? "")` |",
            "| kind | `\(kind)` |",
            "| scope | \(spec["scope"]?.stringValue ?? "") |",
            "| names | `\(spec["names"]?["plural"]?.stringValue ?? "")`, short names \(codeList(spec["names"]?["shortNames"])) |",
            "| subresources | \(codeList(.array((version?["subresources"]?.objectValue ?? [:]).keys.sorted().map { .string($0) }))) |",
        ]
        if let columns = version?["additionalPrinterColumns"]?.arrayValue, !columns.isEmpty {
            lines += ["", "## Columns of `kubectl get`", "", "| Column | From | Meaning |", "|---|---|---|"]
            for column in columns {
                lines.append("| \(column["name"]?.stringValue ?? "") | `\(cell(column["jsonPath"]?.stringValue ?? ""))` | \(text(column["description"]?.stringValue ?? "")) |")
            }
        }
        let rules = validationRules(schema, path: "")
        if !rules.isEmpty {
            lines += ["", "## Validation rules", "", "Checked by the API server (and by `mcpctl` in local mode).", "",
                      "| Object | Rule | Message |", "|---|---|---|"]
            lines += rules
        }
        for section in ["spec", "status"] {
            guard let node = schema["properties"]?[section] else { continue }
            lines += ["", "## \(section)", "", text(node["description"]?.stringValue ?? ""), "",
                      "| Field | Type | Required | Default | Description |", "|---|---|---|---|---|"]
            lines += rows(node, path: section)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A row per field below `node`, depth first in name order.
    private static func rows(_ node: JSONValue, path: String) -> [String] {
        var result: [String] = []
        let required = Set(node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for (name, child) in (node["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let childPath = "\(path).\(name)"
            let defaultText = child["default"].map { "`\(cell(render($0)))`" } ?? ""
            result.append("| `\(childPath)` | \(typeName(child)) | \(required.contains(name) ? "yes" : "") | \(defaultText) | \(describe(child)) |")
            result += rows(of: child, path: childPath)
        }
        return result
    }

    /// The rows inside a field: its properties, its items' or its map values'.
    private static func rows(of node: JSONValue, path: String) -> [String] {
        if node["properties"] != nil { return rows(node, path: path) }
        if let items = node["items"], items["properties"] != nil { return rows(items, path: path + "[]") }
        if let values = node["additionalProperties"], values["properties"] != nil { return rows(values, path: path + ".<key>") }
        return []
    }

    /// `string`, `[]object`, `map[string]string`, `int-or-string`, `integer (int32)`.
    private static func typeName(_ node: JSONValue) -> String {
        if node["x-kubernetes-int-or-string"] == .bool(true) { return "int-or-string" }
        let type = node["type"]?.stringValue ?? "any"
        switch type {
        case "array": return "[]" + typeName(node["items"] ?? [:])
        case "object":
            if let values = node["additionalProperties"] { return "map[string]" + typeName(values) }
            return "object"
        case "integer": return node["format"]?.stringValue.map { "integer (\($0))" } ?? "integer"
        default: return type
        }
    }

    /// The description followed by the field's bounds.
    private static func describe(_ node: JSONValue) -> String {
        var parts = [text(node["description"]?.stringValue ?? "")]
        if let values = node["enum"]?.arrayValue { parts.append("One of \(codeList(.array(values))).") }
        if let pattern = node["pattern"]?.stringValue { parts.append("Pattern `\(cell(pattern))`.") }
        for (key, label) in [("minLength", "Length at least"), ("maxLength", "Length at most"), ("minimum", "At least"),
                             ("maximum", "At most"), ("maxItems", "At most")] {
            guard let value = node[key] else { continue }
            let suffix = key == "maxItems" ? " items" : ""
            let exclusive = key == "minimum" && node["exclusiveMinimum"] == .bool(true) ? " (exclusive)" : ""
            parts.append("\(label) \(render(value))\(suffix)\(exclusive).")
        }
        if node["x-kubernetes-list-type"]?.stringValue == "map" {
            parts.append("Items are unique by \(codeList(node["x-kubernetes-list-map-keys"])).")
        } else if node["x-kubernetes-list-type"]?.stringValue == "set" {
            parts.append("Items are unique.")
        }
        if node["x-kubernetes-preserve-unknown-fields"] == .bool(true) { parts.append("Kept as given.") }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A row per CEL rule, with the object it is on.
    private static func validationRules(_ node: JSONValue, path: String) -> [String] {
        var result: [String] = []
        for rule in node["x-kubernetes-validations"]?.arrayValue ?? [] {
            result.append("| `\(path.isEmpty ? "(the object)" : path)` | `\(cell(rule["rule"]?.stringValue ?? ""))` | \(text(rule["message"]?.stringValue ?? "")) |")
        }
        for (name, child) in (node["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            result += validationRules(child, path: childPath)
            if let items = child["items"] { result += validationRules(items, path: childPath + "[]") }
        }
        return result
    }

    private static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return (try? String(decoding: value.canonicalData(), as: UTF8.self)) ?? ""
        }
    }

    private static func codeList(_ value: JSONValue?) -> String {
        (value?.arrayValue ?? []).map { "`\(cell(render($0)))`" }.joined(separator: ", ")
    }

    /// Prose safe inside a table cell: `cell`, with `<` and `>` escaped so `<name>` is not read as HTML.
    private static func text(_ text: String) -> String {
        cell(text).replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Code safe inside a table cell: no line breaks, pipes escaped.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }
}
