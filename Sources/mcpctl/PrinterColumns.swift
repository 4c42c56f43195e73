import Foundation
import KubeModel
import LocalStore
import OperatorAPI

/// The CRD's `additionalPrinterColumns` of a kind, evaluated against stored objects the way
/// kubectl prints a custom resource: NAME first, then each column's JSONPath.
struct PrinterColumn: Sendable {
    var name: String
    var type: String
    var jsonPath: String

    /// The columns the CRD declares for `kind`.
    static func columns(of kind: LocalKind) -> [PrinterColumn] {
        let definition = kind == .server ? CustomResourceDefinitions.mcpServer : CustomResourceDefinitions.mcpPolicy
        let versions = definition[path: ["spec", "versions"]]?.arrayValue ?? []
        return (versions.first?["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column in
            guard let name = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
            return PrinterColumn(name: name, type: column["type"]?.stringValue ?? "string", jsonPath: path)
        }
    }

    /// The cell for `object`: the values the path selects, comma-separated, `<none>` when none;
    /// dates as an age (`5m`).
    func cell(_ object: JSONValue, now: Date) -> String {
        let values = JSONPathQuery(jsonPath).values(in: object)
        guard !values.isEmpty else { return "<none>" }
        if type == "date", let text = values.first?.stringValue, let date = parseTimestamp(text) {
            return formatAge(now.timeIntervalSince(date))
        }
        return values.map(render).joined(separator: ",")
    }
}

/// The subset of JSONPath printer columns use: `.a.b`, `[n]`, `[*]` and `[?(@.key=="value")]`.
struct JSONPathQuery {
    enum Step { case key(String), index(Int), all, filter(key: String, value: String) }
    let steps: [Step]

    init(_ path: String) {
        var steps: [Step] = []
        var rest = Substring(path.hasPrefix("{") && path.hasSuffix("}") ? String(path.dropFirst().dropLast()) : path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let key = rest.prefix { $0 != "." && $0 != "[" }
                if !key.isEmpty { steps.append(.key(String(key))) }
                rest = rest.dropFirst(key.count)
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { break }
                let inside = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: close)...]
                if inside == "*" {
                    steps.append(.all)
                } else if let index = Int(inside) {
                    steps.append(.index(index))
                } else if inside.hasPrefix("?(@."), inside.hasSuffix(")"), let equals = inside.range(of: "==") {
                    let key = inside[inside.index(inside.startIndex, offsetBy: 4)..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
                    var value = inside[equals.upperBound..<inside.index(before: inside.endIndex)].trimmingCharacters(in: .whitespaces)
                    if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                        value = String(value.dropFirst().dropLast())
                    }
                    steps.append(.filter(key: key, value: value))
                }
            } else {
                let key = rest.prefix { $0 != "." && $0 != "[" }
                steps.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
            }
        }
        self.steps = steps
    }

    func values(in root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            current = current.flatMap { value -> [JSONValue] in
                switch step {
                case .key(let key): return value[key].map { [$0] } ?? []
                case .index(let index):
                    guard let items = value.arrayValue else { return [] }
                    let position = index < 0 ? items.count + index : index
                    return items.indices.contains(position) ? [items[position]] : []
                case .all: return value.arrayValue ?? (value.objectValue.map { Array($0.values) } ?? [])
                case .filter(let key, let wanted):
                    return (value.arrayValue ?? []).filter { item in item[key].map(render) == wanted }
                }
            }
        }
        return current.filter { !$0.isNull }
    }
}

/// A JSON value as a table cell.
func render(_ value: JSONValue) -> String {
    switch value {
    case .null: return "<none>"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number): return value.intValue.map(String.init) ?? String(number)
    case .string(let text): return text
    case .array, .object: return (try? String(decoding: value.canonicalData(), as: UTF8.self)) ?? ""
    }
}

/// kubectl's age: `42s`, `5m3s` under ten minutes, `3h10m`, `4d`, `2y`.
func formatAge(_ interval: TimeInterval) -> String {
    let seconds = max(0, Int(interval))
    switch seconds {
    case ..<120: return "\(seconds)s"
    case ..<600: return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
    case ..<(3 * 3600): return "\(seconds / 60)m"
    case ..<(8 * 3600): return (seconds / 60) % 60 == 0 ? "\(seconds / 3600)h" : "\(seconds / 3600)h\((seconds / 60) % 60)m"
    case ..<(48 * 3600): return "\(seconds / 3600)h"
    case ..<(8 * 86400): return (seconds / 3600) % 24 == 0 ? "\(seconds / 86400)d" : "\(seconds / 86400)d\((seconds / 3600) % 24)h"
    case ..<(2 * 365 * 86400): return "\(seconds / 86400)d"
    default: return "\(seconds / (365 * 86400))y"
    }
}

func parseTimestamp(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}

/// Rows padded into columns with three spaces between them, as kubectl prints tables.
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "   ")
    }.joined(separator: "\n")
}
