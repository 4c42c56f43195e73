import Foundation
import KubeClient

/// A failure the fake API server answers with: an HTTP code and the `Status` body the real
/// kube-apiserver would send for the same situation (messages follow k8s.io/apimachinery).
/// The direct-access methods of `FakeAPIServer` (such as `seed`) throw it too.
public struct FakeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `Status` body.
    public var status: KubernetesStatus
    /// The `Retry-After` header value in seconds, when the client should wait.
    public var retryAfterSeconds: Int?

    /// The HTTP status code.
    public var code: Int { status.code ?? 500 }

    /// The status code, reason and message, for test failure output.
    public var description: String { "\(code) \(status.reason ?? ""): \(status.message ?? "")" }

    init(code: Int, reason: String, message: String, details: KubernetesStatus.Details? = nil, retryAfterSeconds: Int? = nil) {
        status = KubernetesStatus(message: message, reason: reason, details: details, code: code)
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The Status as the JSON the server sends (with the empty `metadata` the real one carries).
    var json: JSONValue {
        var value = (try? JSONValue(encoding: status)) ?? .object([:])
        value["metadata"] = .object([:])
        return value
    }

    static func notFound(_ type: ResourceType, name: String) -> FakeAPIError {
        FakeAPIError(code: 404, reason: "NotFound", message: "\(type) \"\(name)\" not found",
                     details: .init(name: name, group: type.group, kind: type.plural))
    }

    /// The answer for a URL that names nothing the server serves.
    static let routeNotFound = FakeAPIError(code: 404, reason: "NotFound",
                                            message: "the server could not find the requested resource",
                                            details: .init())

    static func alreadyExists(_ type: ResourceType, name: String) -> FakeAPIError {
        FakeAPIError(code: 409, reason: "AlreadyExists", message: "\(type) \"\(name)\" already exists",
                     details: .init(name: name, group: type.group, kind: type.plural))
    }

    static func conflict(_ type: ResourceType, name: String, _ why: String) -> FakeAPIError {
        FakeAPIError(code: 409, reason: "Conflict",
                     message: "Operation cannot be fulfilled on \(type) \"\(name)\": \(why)",
                     details: .init(name: name, group: type.group, kind: type.plural))
    }

    /// The optimistic-concurrency failure of an update with a stale `resourceVersion`.
    static func modified(_ type: ResourceType, name: String) -> FakeAPIError {
        conflict(type, name: name, "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// One field error of an Invalid response.
    struct FieldError: Sendable, Hashable {
        var field: String
        /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueForbidden`, ...
        var reason: String
        /// The message without the field, such as `Required value: name or generateName is required`.
        var detail: String
    }

    /// 422 Invalid, `Kind "name" is invalid: field: detail`.
    static func invalid(kind: String, group: String, name: String, _ errors: [FieldError]) -> FakeAPIError {
        let list = errors.map { "\($0.field): \($0.detail)" }
        let joined = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        return FakeAPIError(
            code: 422, reason: "Invalid", message: "\(qualified) \"\(name)\" is invalid: \(joined)",
            details: .init(name: name, group: group, kind: kind,
                           causes: errors.map { .init(reason: $0.reason, message: $0.detail, field: $0.field) }))
    }

    static func badRequest(_ message: String) -> FakeAPIError {
        FakeAPIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 410 Gone with reason Expired: a resource version or continue token that is compacted away.
    static func expired(_ message: String) -> FakeAPIError {
        FakeAPIError(code: 410, reason: "Expired", message: message)
    }

    static let methodNotAllowed = FakeAPIError(code: 405, reason: "MethodNotAllowed",
                                               message: "the server does not allow this method on the requested resource",
                                               details: .init())

    static func unsupportedMediaType(_ contentType: String) -> FakeAPIError {
        FakeAPIError(code: 415, reason: "UnsupportedMediaType",
                     message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \(contentType))")
    }

    /// 422 from a patch that could not be applied (the real server's generic response).
    static func unprocessablePatch(_ why: String) -> FakeAPIError {
        FakeAPIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request",
                     details: .init(causes: [.init(reason: "UnexpectedServerResponse", message: why)]))
    }

    static func internalError(_ why: String) -> FakeAPIError {
        FakeAPIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(why)",
                     details: .init(causes: [.init(reason: "UnexpectedServerResponse", message: why)]))
    }

    /// An injected failure with the status code's usual reason and message.
    static func injected(code: Int, retryAfterSeconds: Int?) -> FakeAPIError {
        let (reason, message): (String, String)
        switch code {
        case 429: (reason, message) = ("TooManyRequests", "Too many requests, please try again later.")
        case 500: (reason, message) = ("InternalError", "Internal error occurred: injected failure")
        case 503: (reason, message) = ("ServiceUnavailable", "The service is unavailable. Please try again later.")
        case 504: (reason, message) = ("Timeout", "The server was unable to return a response in the time allotted, but may still be processing the request")
        case 401: (reason, message) = ("Unauthorized", "Unauthorized")
        case 403: (reason, message) = ("Forbidden", "forbidden: injected failure")
        case 409: (reason, message) = ("Conflict", "Operation cannot be fulfilled: injected failure")
        default: (reason, message) = ("", "the server responded with the status code \(code) but did not return more information")
        }
        let details = retryAfterSeconds.map { KubernetesStatus.Details(retryAfterSeconds: $0) }
        return FakeAPIError(code: code, reason: reason, message: message, details: details, retryAfterSeconds: retryAfterSeconds)
    }
}
