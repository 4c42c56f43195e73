/// A JSON-RPC request id: a string or an integer, kept exactly as the peer sent it.
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    /// Reads an id from JSON; `nil` for anything but a string or an integral number.
    public init?(_ value: JSONValue) {
        switch value {
        case .string(let string): self = .string(string)
        case .int(let int): self = .int(int)
        case .double(let double) where double.rounded() == double && abs(double) < 9.0e15: self = .int(Int64(double))
        default: return nil
        }
    }

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .int(let value): return .int(value)
        case .string(let value): return .string(value)
        }
    }

    /// The id as text, for logs.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}
