/// The MCP protocol side of a sample server, without I/O: it takes one line a client sent and
/// returns the line to answer with (none for notifications and responses) and what to log.
///
/// Speaks JSON-RPC 2.0 as MCP's stdio transport frames it (one message per line), negotiates the
/// protocol version in `initialize`, and serves `ping`, `tools/list` and `tools/call`. Failures of
/// a tool reach the client as `isError` results; malformed messages as JSON-RPC errors.
public struct MCPSession: Sendable {
    /// Protocol versions this server speaks through the `initialize` handshake, newest first.
    public static let supportedProtocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// What the server answers when the client asks for a version it does not know.
    public static var latestProtocolVersion: String { supportedProtocolVersions[0] }

    /// The version answered to the client's `initialize`, nil before it.
    public private(set) var protocolVersion: String?
    /// Whether the client sent `notifications/initialized`.
    public private(set) var clientInitialized = false

    private let name: String
    private let version: String
    private let instructions: String?
    private let tools: [Tool]

    /// The answer to one incoming line.
    public struct Output: Sendable, Equatable {
        /// The line to write to the client, if any.
        public var reply: String?
        /// Lines for the server's log (stderr).
        public var log: [String]
    }

    public init(name: String, version: String, instructions: String? = nil, tools: [Tool]) {
        self.name = name
        self.version = version
        self.instructions = instructions
        self.tools = tools
    }

    /// Handles one line a client sent.
    public mutating func receive(_ line: String) -> Output {
        var log: [String] = []
        let message: JSON
        do {
            message = try JSON(parsing: line)
        } catch {
            log.append("parse error: \(line.prefix(200))")
            return Output(reply: Self.error(id: .null, code: .parseError, "parse error: the line is not valid JSON").serialized, log: log)
        }
        if case .array(let batch) = message {
            guard protocolVersion == "2025-03-26" else {
                return Output(reply: Self.error(id: .null, code: .invalidRequest, "JSON-RPC batches are not supported at this protocol version").serialized, log: log)
            }
            guard !batch.isEmpty else {
                return Output(reply: Self.error(id: .null, code: .invalidRequest, "an empty batch is not a valid request").serialized, log: log)
            }
            let replies = batch.compactMap { handle($0, log: &log) }
            return Output(reply: replies.isEmpty ? nil : JSON.array(replies).serialized, log: log)
        }
        return Output(reply: handle(message, log: &log)?.serialized, log: log)
    }

    /// Handles one message; returns the response, nil for notifications and client responses.
    private mutating func handle(_ message: JSON, log: inout [String]) -> JSON? {
        guard case .object(let members) = message else {
            return Self.error(id: .null, code: .invalidRequest, "a JSON-RPC message must be an object, not \(message.typeName)")
        }
        let id = members["id"]
        if let id, !Self.isValidID(id) {
            return Self.error(id: .null, code: .invalidRequest, "\"id\" must be a string or an integer, not \(id.typeName)")
        }
        guard members["jsonrpc"] == "2.0" else {
            return Self.error(id: id ?? .null, code: .invalidRequest, "\"jsonrpc\" must be \"2.0\"")
        }
        guard let methodValue = members["method"] else {
            // A response to a request of ours: this server sends none, so there is nothing to match.
            if id != nil, members["result"] != nil || members["error"] != nil { return nil }
            return Self.error(id: id ?? .null, code: .invalidRequest, "the message has no \"method\"")
        }
        guard let method = methodValue.stringValue else {
            return Self.error(id: id ?? .null, code: .invalidRequest, "\"method\" must be a string")
        }
        let params = members["params"]
        if let params, params.objectValue == nil, params != .null {
            guard let id else { return nil }
            return Self.error(id: id, code: .invalidParams, "\"params\" of \(method) must be an object")
        }
        guard let id else {
            notify(method, log: &log)
            return nil
        }
        switch respond(method, params: params ?? [:], log: &log) {
        case .success(let result): return ["jsonrpc": "2.0", "id": id, "result": result]
        case .failure(let error): return Self.error(id: id, code: error.code, error.message)
        }
    }

    private mutating func notify(_ method: String, log: inout [String]) {
        switch method {
        case "notifications/initialized": clientInitialized = true
        case "notifications/cancelled": break  // calls are answered synchronously; nothing is in flight
        default: log.append("ignored notification \(method)")
        }
    }

    private mutating func respond(_ method: String, params: JSON, log: inout [String]) -> Result<JSON, ProtocolError> {
        switch method {
        case "initialize": return initialize(params, log: &log)
        case "ping": return .success([:])
        case "tools/list", "tools/call":
            guard protocolVersion != nil else {
                return .failure(ProtocolError(.invalidRequest, "\(method) before initialize: send initialize first"))
            }
            return method == "tools/list" ? listTools(params) : callTool(params, log: &log)
        default:
            return .failure(ProtocolError(.methodNotFound, "method not found: \(method)"))
        }
    }

    private mutating func initialize(_ params: JSON, log: inout [String]) -> Result<JSON, ProtocolError> {
        guard let requested = params["protocolVersion"]?.stringValue else {
            return .failure(ProtocolError(.invalidParams, "initialize needs params.protocolVersion (a string)"))
        }
        let version = Self.supportedProtocolVersions.contains(requested) ? requested : Self.latestProtocolVersion
        protocolVersion = version
        clientInitialized = false
        let client = params["clientInfo"]?["name"]?.stringValue ?? "unknown client"
        log.append("initialize from \(client): requested protocol \(requested), answered \(version)")
        var result: [String: JSON] = [
            "protocolVersion": .string(version),
            "capabilities": ["tools": ["listChanged": false]],
            "serverInfo": ["name": .string(name), "version": .string(self.version)],
        ]
        if let instructions { result["instructions"] = .string(instructions) }
        return .success(.object(result))
    }

    private func listTools(_ params: JSON) -> Result<JSON, ProtocolError> {
        // Every tool fits in one page, so no cursor this server handed out can exist.
        if let cursor = params["cursor"], cursor != .null {
            return .failure(ProtocolError(.invalidParams, "unknown cursor \(cursor.serialized): tools/list has a single page"))
        }
        return .success(["tools": .array(tools.map(\.definition))])
    }

    private func callTool(_ params: JSON, log: inout [String]) -> Result<JSON, ProtocolError> {
        guard let name = params["name"]?.stringValue else {
            return .failure(ProtocolError(.invalidParams, "tools/call needs params.name (a string)"))
        }
        guard let tool = tools.first(where: { $0.name == name }) else {
            return .failure(ProtocolError(.invalidParams, "unknown tool: \(name)"))
        }
        let arguments: [String: JSON]
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let members)?: arguments = members
        case let other?: return .failure(ProtocolError(.invalidParams, "params.arguments must be an object, not \(other.typeName)"))
        }
        // Input validation failures are tool execution errors, so the model can correct its call.
        let result: ToolResult
        do {
            result = try tool.run(try tool.validate(arguments))
        } catch let error as ToolError {
            log.append("\(name): \(error.message)")
            result = ToolResult(text: "\(name): \(error.message)", isError: true)
        } catch {
            log.append("\(name) failed: \(error)")
            result = ToolResult(text: "\(name) failed: \(error)", isError: true)
        }
        return .success(result.json)
    }

    private static func isValidID(_ id: JSON) -> Bool {
        switch id {
        case .string, .int: true
        default: false
        }
    }

    static func error(id: JSON, code: ErrorCode, _ message: String) -> JSON {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code.rawValue), "message": .string(message)]]
    }
}

/// JSON-RPC 2.0 error codes this server answers with.
public enum ErrorCode: Int64, Sendable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
}

/// A request the protocol layer refuses (answered as a JSON-RPC error).
struct ProtocolError: Error {
    let code: ErrorCode
    let message: String
    init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
