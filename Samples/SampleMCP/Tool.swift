/// One argument a tool takes: its JSON Schema type and constraints. The same declaration renders
/// the tool's `inputSchema` and validates the arguments of every call, so the two cannot drift.
public struct ToolParameter: Sendable {
    /// The JSON type of the argument.
    public enum Kind: String, Sendable {
        case string, integer, boolean
        /// An array of strings.
        case stringArray
    }

    public var name: String
    public var kind: Kind
    public var description: String
    public var isRequired: Bool
    /// Inclusive bounds for integers.
    public var minimum: Int64?
    public var maximum: Int64?
    /// Length bounds for strings, in characters.
    public var minLength: Int?
    public var maxLength: Int?

    public init(_ name: String, _ kind: Kind, _ description: String, required: Bool = true,
                minimum: Int64? = nil, maximum: Int64? = nil, minLength: Int? = nil, maxLength: Int? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
        self.isRequired = required
        self.minimum = minimum
        self.maximum = maximum
        self.minLength = minLength
        self.maxLength = maxLength
    }

    /// This parameter as a JSON Schema property.
    var schema: JSON {
        var members: [String: JSON] = ["description": .string(description)]
        switch kind {
        case .stringArray:
            members["type"] = "array"
            members["items"] = ["type": "string"]
        default:
            members["type"] = .string(kind.rawValue)
        }
        if let minimum { members["minimum"] = .int(minimum) }
        if let maximum { members["maximum"] = .int(maximum) }
        if let minLength { members["minLength"] = .int(Int64(minLength)) }
        if let maxLength { members["maxLength"] = .int(Int64(maxLength)) }
        return .object(members)
    }

    /// Checks one supplied value; the error names the argument and what was wrong.
    func check(_ value: JSON) throws(ToolError) {
        switch (kind, value) {
        case (.string, .string(let text)):
            if let minLength, text.count < minLength {
                throw ToolError("argument \"\(name)\" must have at least \(minLength) character\(minLength == 1 ? "" : "s")")
            }
            if let maxLength, text.count > maxLength {
                throw ToolError("argument \"\(name)\" must have at most \(maxLength) characters (got \(text.count))")
            }
        case (.integer, _) where value.intValue != nil:
            let number = value.intValue!
            if let minimum, number < minimum { throw ToolError("argument \"\(name)\" must be at least \(minimum) (got \(number))") }
            if let maximum, number > maximum { throw ToolError("argument \"\(name)\" must be at most \(maximum) (got \(number))") }
        case (.boolean, .bool):
            break
        case (.stringArray, .array(let elements)):
            if let index = elements.firstIndex(where: { $0.stringValue == nil }) {
                throw ToolError("argument \"\(name)\"[\(index)] must be a string, not \(elements[index].typeName)")
            }
        default:
            let expected = switch kind {
            case .string: "a string"
            case .integer: "an integer"
            case .boolean: "a boolean"
            case .stringArray: "an array of strings"
            }
            throw ToolError("argument \"\(name)\" must be \(expected), not \(value.typeName)")
        }
    }
}

/// A tool's arguments after validation, with typed accessors.
public struct ToolArguments: Sendable {
    public let values: [String: JSON]

    /// A required string (validation guarantees it is present).
    public func string(_ name: String) -> String { values[name]?.stringValue ?? "" }
    /// An optional integer, or `defaultValue` when absent.
    public func integer(_ name: String, default defaultValue: Int64) -> Int64 { values[name]?.intValue ?? defaultValue }
    /// A required integer.
    public func integer(_ name: String) -> Int64 { values[name]?.intValue ?? 0 }
    /// An optional string array, empty when absent.
    public func strings(_ name: String) -> [String] { values[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// What a tool call produced: text for the model and, optionally, the same as structured content.
public struct ToolResult: Sendable {
    public var text: String
    public var structuredContent: JSON?
    public var isError: Bool

    public init(text: String, structuredContent: JSON? = nil, isError: Bool = false) {
        self.text = text
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// A structured result (an object), with its JSON as the text block, as the MCP spec advises.
    public static func structured(_ value: JSON) -> ToolResult {
        ToolResult(text: value.serialized, structuredContent: value)
    }

    /// The `tools/call` result object.
    var json: JSON {
        var members: [String: JSON] = [
            "content": [["type": "text", "text": .string(text)]],
            "isError": .bool(isError),
        ]
        if let structuredContent { members["structuredContent"] = structuredContent }
        return .object(members)
    }
}

/// A failure a tool reports to the model as an `isError` result (bad input, a missing record).
public struct ToolError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A tool a sample server offers: its name, description, parameters and the function that runs it.
public struct Tool: Sendable {
    public var name: String
    public var description: String
    public var parameters: [ToolParameter]
    /// Hints for clients (`readOnlyHint`, `destructiveHint`, `idempotentHint`).
    public var annotations: [String: JSON]
    public var run: @Sendable (ToolArguments) throws -> ToolResult

    public init(name: String, description: String, parameters: [ToolParameter], annotations: [String: JSON] = [:],
                run: @escaping @Sendable (ToolArguments) throws -> ToolResult) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.annotations = annotations
        self.run = run
    }

    /// The tool as `tools/list` describes it.
    var definition: JSON {
        var schema: [String: JSON] = [
            "type": "object",
            "properties": .object(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.schema) })),
            "additionalProperties": false,
        ]
        let required = parameters.filter(\.isRequired).map { JSON.string($0.name) }
        if !required.isEmpty { schema["required"] = .array(required) }
        var members: [String: JSON] = ["name": .string(name), "description": .string(description), "inputSchema": .object(schema)]
        if !annotations.isEmpty { members["annotations"] = .object(annotations) }
        return .object(members)
    }

    /// Validates `arguments` against the parameters: required ones present, no unknown ones, types
    /// and bounds respected.
    func validate(_ arguments: [String: JSON]) throws(ToolError) -> ToolArguments {
        for parameter in parameters {
            guard let value = arguments[parameter.name], value != .null else {
                if parameter.isRequired { throw ToolError("missing required argument \"\(parameter.name)\"") }
                continue
            }
            try parameter.check(value)
        }
        let known = Set(parameters.map(\.name))
        if let unknown = arguments.keys.sorted().first(where: { !known.contains($0) }) {
            let accepted = parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", ")
            throw ToolError("unknown argument \"\(unknown)\" (\(name) takes: \(accepted))")
        }
        return ToolArguments(values: arguments.filter { $0.value != .null })
    }
}
