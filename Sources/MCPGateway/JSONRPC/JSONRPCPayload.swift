/// The body of one client transmission: a single message or, where the protocol version allows
/// it, a batch. Each element is either a message or the error to answer it with.
public enum JSONRPCPayload: Sendable, Hashable {
    /// One message (or one invalid one).
    case single(Result<JSONRPCMessage, InvalidJSONRPCMessage>)
    /// A non-empty JSON array of messages, each checked on its own.
    case batch([Result<JSONRPCMessage, InvalidJSONRPCMessage>])

    /// Decodes a transmission. A body that is not JSON is a -32700 error (the caller must send
    /// nothing upstream); an empty array is a single -32600 per JSON-RPC 2.0.
    public static func decode(_ bytes: some Collection<UInt8>) -> Result<JSONRPCPayload, JSONRPCError> {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            return .failure(.parseError(error.description))
        }
        return .success(decode(json: value))
    }

    /// Classifies already-parsed JSON.
    public static func decode(json value: JSONValue) -> JSONRPCPayload {
        if case .array(let elements) = value {
            guard !elements.isEmpty else {
                return .single(.failure(InvalidJSONRPCMessage(id: nil, error: .invalidRequest("empty batch"))))
            }
            return .batch(elements.map(parseOne))
        }
        return .single(parseOne(value))
    }

    private static func parseOne(_ value: JSONValue) -> Result<JSONRPCMessage, InvalidJSONRPCMessage> {
        do {
            return .success(try JSONRPCMessage(json: value))
        } catch {
            return .failure(error)
        }
    }

    /// Every message in the payload, valid or not, in order.
    public var elements: [Result<JSONRPCMessage, InvalidJSONRPCMessage>] {
        switch self {
        case .single(let element): return [element]
        case .batch(let elements): return elements
        }
    }

    /// Whether the payload was a JSON array.
    public var isBatch: Bool {
        if case .batch = self { return true }
        return false
    }
}
