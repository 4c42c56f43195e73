import Foundation

/// An error answer from the API server: the HTTP status and the decoded `Status` body, which keeps
/// the reason, message, details and field causes the server gave.
public struct KubernetesError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status code (or the code of an in-stream watch ERROR event).
    public let code: Int
    /// The `Status` the server sent; synthesized from the body when it sent something else.
    public let status: KubernetesStatus
    /// The request's method.
    public let method: String
    /// The request's path (without the server URL).
    public let path: String

    public init(code: Int, status: KubernetesStatus, method: String, path: String) {
        self.code = code
        self.status = status
        self.method = method
        self.path = path
    }

    /// Builds the error from a response body, decoding a `Status` when the body is one.
    static func from(code: Int, body: Data, method: String, path: String) -> KubernetesError {
        if let status = try? JSONDecoder().decode(KubernetesStatus.self, from: body), status.kind == "Status" {
            return KubernetesError(code: status.code ?? code, status: status, method: method, path: path)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = defaultReason(for: code)
        let status = KubernetesStatus(message: text.isEmpty ? reason : text, reason: reason, code: code)
        return KubernetesError(code: code, status: status, method: method, path: path)
    }

    /// The machine-readable reason (`NotFound`, `Conflict`, `AlreadyExists`, `Invalid`, `Expired`, ...).
    public var reason: String { status.reason ?? Self.defaultReason(for: code) }
    /// The server's human-readable message.
    public var message: String { status.message ?? reason }
    /// Field-level causes, for `Invalid` answers.
    public var causes: [KubernetesStatus.Cause] { status.details?.causes ?? [] }

    /// 404: the object or the resource type does not exist.
    public var isNotFound: Bool { code == 404 }
    /// 409 with reason Conflict: a stale resourceVersion, or a server-side apply field conflict.
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    /// 409 with reason AlreadyExists: create of a name that is taken.
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410 Gone / Expired: the resourceVersion or continue token is too old; relist.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    /// 422: the object was rejected by validation.
    public var isInvalid: Bool { code == 422 }
    /// 401: the credentials were refused.
    public var isUnauthorized: Bool { code == 401 }
    /// 403: the credentials lack permission (RBAC).
    public var isForbidden: Bool { code == 403 }
    /// 429: the server asks the client to slow down.
    public var isTooManyRequests: Bool { code == 429 }

    public var description: String {
        var text = "\(method) \(path): \(code) \(reason): \(message)"
        let fields = causes.compactMap { cause -> String? in
            guard let field = cause.field else { return nil }
            return "\(field): \(cause.message ?? cause.reason ?? "invalid")"
        }
        if !fields.isEmpty, !fields.allSatisfy({ message.contains($0) }) {
            text += " [" + fields.joined(separator: "; ") + "]"
        }
        return text
    }

    static func defaultReason(for code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}

/// A response or watch line the client could not decode. It names the request and quotes the
/// start of the offending bytes.
public struct KubernetesDecodingError: Error, CustomStringConvertible, Sendable {
    /// The request's method and path.
    public let request: String
    /// The type the client tried to decode.
    public let typeName: String
    /// The decoder's explanation.
    public let underlying: String
    /// The first bytes of the input, as text.
    public let excerpt: String

    init(request: String, typeName: String, error: any Error, data: Data) {
        self.request = request
        self.typeName = typeName
        self.underlying = String(describing: error)
        self.excerpt = String(decoding: data.prefix(200), as: UTF8.self)
    }

    public var description: String {
        "\(request): could not decode \(typeName): \(underlying); input began: \(excerpt)"
    }
}
