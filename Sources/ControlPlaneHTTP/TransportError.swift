/// A request that did not get an HTTP response: the connection, TLS or transfer failed, timed
/// out, or was cancelled. It names the URL and libcurl's explanation.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case curl(code: Int, message: String)
        case cancelled
        case invalidRequest(String)
        case setup(String)
        case recordTooLarge(Int)
    }

    private let kind: Kind
    /// The method of the failed request.
    public let method: String
    /// The URL of the failed request.
    public let url: String

    static func curl(code: Int, message: String, method: String, url: String) -> TransportError {
        TransportError(kind: .curl(code: code, message: message), method: method, url: url)
    }

    static func cancelled(method: String, url: String) -> TransportError {
        TransportError(kind: .cancelled, method: method, url: url)
    }

    static func invalidRequest(_ why: String, method: String, url: String) -> TransportError {
        TransportError(kind: .invalidRequest(why), method: method, url: url)
    }

    static func setup(_ why: String, method: String, url: String) -> TransportError {
        TransportError(kind: .setup(why), method: method, url: url)
    }

    static func recordTooLarge(_ limit: Int, method: String, url: String) -> TransportError {
        TransportError(kind: .recordTooLarge(limit), method: method, url: url)
    }

    /// libcurl's error code, when the failure came from libcurl.
    public var curlCode: Int? {
        if case .curl(let code, _) = kind { return code }
        return nil
    }

    /// Whether the transfer was aborted because the caller's task was cancelled.
    public var isCancellation: Bool {
        if case .cancelled = kind { return true }
        return false
    }

    /// Whether the failure was a timeout (connect, total, or idle).
    public var isTimeout: Bool { curlCode == 28 }

    /// A label without associated values, safe for metrics.
    public var shortDescription: String {
        switch kind {
        case .curl(let code, _): return code == 28 ? "timeout" : "curl_\(code)"
        case .cancelled: return "cancelled"
        case .invalidRequest: return "invalid_request"
        case .setup: return "setup"
        case .recordTooLarge: return "record_too_large"
        }
    }

    public var description: String {
        switch kind {
        case .curl(let code, let message): return "\(method) \(url): \(message) (curl error \(code))"
        case .cancelled: return "\(method) \(url): cancelled"
        case .invalidRequest(let why): return "\(method) \(url): invalid request: \(why)"
        case .setup(let why): return "\(method) \(url): could not set up the transfer: \(why)"
        case .recordTooLarge(let limit): return "\(method) \(url): a streamed record exceeded \(limit) bytes"
        }
    }
}
