/// Why a byte sequence is not acceptable JSON, and where it went wrong.
public struct PolicyJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case unexpectedEnd
        case unexpectedByte
        case invalidNumber
        case invalidEscape
        case tooDeep
        case trailingData
    }

    private let kind: Kind
    /// Byte offset into the input at which the problem was found.
    public let offset: Int

    private init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    static func unexpectedEnd(at offset: Int) -> Self { Self(.unexpectedEnd, at: offset) }
    static func unexpectedByte(at offset: Int) -> Self { Self(.unexpectedByte, at: offset) }
    static func invalidNumber(at offset: Int) -> Self { Self(.invalidNumber, at: offset) }
    static func invalidEscape(at offset: Int) -> Self { Self(.invalidEscape, at: offset) }
    static func tooDeep(at offset: Int) -> Self { Self(.tooDeep, at: offset) }
    static func trailingData(at offset: Int) -> Self { Self(.trailingData, at: offset) }

    /// A short label without the offset, safe to use as a metric label.
    public var shortDescription: String {
        switch kind {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte: "unexpected character"
        case .invalidNumber: "invalid number"
        case .invalidEscape: "invalid escape sequence"
        case .tooDeep: "nesting too deep"
        case .trailingData: "data after the JSON value"
        }
    }

    /// The label and the byte offset.
    public var description: String { "\(shortDescription) at byte \(offset)" }
}
