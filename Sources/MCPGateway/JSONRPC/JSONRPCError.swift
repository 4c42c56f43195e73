/// A JSON-RPC error object: the code, a message for people, and optional data.
public struct JSONRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error code; see the static members for the ones the gateway sends.
    public var code: Int
    /// A short description for people; never internals.
    public var message: String
    /// Structured details (for a policy denial: the rule).
    public var data: JSONValue?

    /// An error with `code`, `message` and optional `data`.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32700: the bytes were not JSON.
    public static let parseErrorCode = -32700
    /// -32600: JSON, but not a valid JSON-RPC message.
    public static let invalidRequestCode = -32600
    /// -32601: no such method.
    public static let methodNotFoundCode = -32601
    /// -32602: the parameters are wrong.
    public static let invalidParamsCode = -32602
    /// -32603: the gateway failed.
    public static let internalErrorCode = -32603
    /// -32001: the policy denied the request; `data.rule` names the rule.
    public static let policyDeniedCode = -32001
    /// -32002: a rate limit rejected the request; `data.retryAfterSeconds` says when to retry.
    public static let rateLimitedCode = -32002
    /// -32003: the upstream server is gone or failed.
    public static let upstreamUnavailableCode = -32003
    /// -32000: the session is not usable (not initialized, expired).
    public static let sessionErrorCode = -32000

    /// A parse error with `detail`.
    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    /// An invalid-request error with `detail`.
    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }

    /// A method-not-found error for `method`.
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)")
    }

    /// An invalid-params error with `detail`.
    public static func invalidParams(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)")
    }

    /// An upstream failure, without internals.
    public static func upstreamUnavailable(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: upstreamUnavailableCode, message: "Upstream unavailable: \(detail)")
    }

    /// The error as its JSON object.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// Reads an error object; malformed members become a generic internal error rather than failing.
    public init(json: JSONValue) {
        code = json["code"]?.intValue.map { Int(clamping: $0) } ?? JSONRPCError.internalErrorCode
        message = json["message"]?.stringValue ?? "Unknown error"
        data = json["data"]
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
