/// One JSON-RPC 2.0 message as MCP uses it: a request, a notification, or a response (a result or
/// an error). Params and results stay as JSON; the gateway looks into them only where it must.
public enum JSONRPCMessage: Sendable, Hashable {
    /// A request expecting a response with the same id.
    case request(id: JSONRPCID, method: String, params: JSONValue?)
    /// A notification: no id, no response.
    case notification(method: String, params: JSONValue?)
    /// A successful response.
    case response(id: JSONRPCID, result: JSONValue)
    /// An error response; the id is nil when the request's id could not be read.
    case errorResponse(id: JSONRPCID?, error: JSONRPCError)

    /// The method of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): return method
        default: return nil
        }
    }

    /// The id of a request or response.
    public var id: JSONRPCID? {
        switch self {
        case .request(let id, _, _), .response(let id, _): return id
        case .errorResponse(let id, _): return id
        case .notification: return nil
        }
    }

    /// The params of a request or notification.
    public var params: JSONValue? {
        switch self {
        case .request(_, _, let params), .notification(_, let params): return params
        default: return nil
        }
    }

    /// Whether this is a response (result or error).
    public var isResponse: Bool {
        switch self {
        case .response, .errorResponse: return true
        default: return false
        }
    }

    /// Whether this is a request.
    public var isRequest: Bool {
        if case .request = self { return true }
        return false
    }

    /// This message with another id (requests and responses; notifications are unchanged).
    public func withID(_ newID: JSONRPCID) -> JSONRPCMessage {
        switch self {
        case .request(_, let method, let params): return .request(id: newID, method: method, params: params)
        case .response(_, let result): return .response(id: newID, result: result)
        case .errorResponse(_, let error): return .errorResponse(id: newID, error: error)
        case .notification: return self
        }
    }

    /// Reads a message from its JSON.
    /// - Throws: an `invalidRequest` error; `InvalidJSONRPCMessage.id` carries the id when it could be read.
    public init(json: JSONValue) throws(InvalidJSONRPCMessage) {
        guard case .object(let members) = json else {
            throw InvalidJSONRPCMessage(id: nil, error: .invalidRequest("a message must be a JSON object"))
        }
        let rawID = members["id"]
        let id = rawID.flatMap(JSONRPCID.init)
        guard members["jsonrpc"] == .string("2.0") else {
            throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("jsonrpc must be \"2.0\""))
        }
        if let methodValue = members["method"] {
            guard case .string(let method) = methodValue else {
                throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("method must be a string"))
            }
            let params = members["params"]
            if let params {
                switch params {
                case .object, .array: break
                default: throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("params must be an object or array"))
                }
            }
            guard let rawID else {
                self = .notification(method: method, params: params)
                return
            }
            guard let id else {
                throw InvalidJSONRPCMessage(id: nil, error: .invalidRequest("id must be a string or an integer"))
            }
            _ = rawID
            self = .request(id: id, method: method, params: params)
            return
        }
        if let result = members["result"] {
            guard let id, members["error"] == nil else {
                throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("a response needs an id and only one of result or error"))
            }
            self = .response(id: id, result: result)
            return
        }
        if let error = members["error"] {
            guard case .object = error else {
                throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("error must be an object"))
            }
            guard rawID == nil || rawID == .null || id != nil else {
                throw InvalidJSONRPCMessage(id: nil, error: .invalidRequest("id must be a string or an integer"))
            }
            self = .errorResponse(id: id, error: JSONRPCError(json: error))
            return
        }
        throw InvalidJSONRPCMessage(id: id, error: .invalidRequest("neither a request, a notification nor a response"))
    }

    /// The message as JSON.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["jsonrpc": "2.0"]
        switch self {
        case .request(let id, let method, let params):
            object["id"] = id.json
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .notification(let method, let params):
            object["method"] = .string(method)
            if let params { object["params"] = params }
        case .response(let id, let result):
            object["id"] = id.json
            object["result"] = result
        case .errorResponse(let id, let error):
            object["id"] = id?.json ?? .null
            object["error"] = error.json
        }
        return .object(object)
    }

    /// The compact JSON text of the message.
    public func renderedBytes() -> [UInt8] { json.renderedBytes() }
}

/// JSON that is not a valid JSON-RPC message: the error to answer with, and the id to answer to
/// when it could be read.
public struct InvalidJSONRPCMessage: Error, Sendable, Hashable {
    /// The request's id when it was readable, else nil (the answer then carries `"id": null`).
    public let id: JSONRPCID?
    /// The -32600 error to send back.
    public let error: JSONRPCError

    /// The error response for this invalid message.
    public var response: JSONRPCMessage { .errorResponse(id: id, error: error) }
}
