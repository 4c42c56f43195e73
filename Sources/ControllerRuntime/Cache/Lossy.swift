import KubeClient

/// An object of a reflected kind as the API server sent it: decoded, or, when the operator's types
/// refuse it (a value a newer schema allows, during an upgrade), its identity and why. The
/// reflector skips such an object, naming it, instead of failing the whole list or stopping at the
/// same watch event forever.
enum Lossy<T: Decodable & Sendable>: Decodable, Sendable {
    case decoded(T)
    case undecodable(Undecodable)

    /// What is known of an object that did not decode.
    struct Undecodable: Sendable, CustomStringConvertible {
        var namespace: String?
        var name: String?
        var resourceVersion: String?
        var reason: String

        var description: String {
            let object = [namespace, name].compactMap { $0 }.joined(separator: "/")
            return "\(object.isEmpty ? "an object" : object) (resourceVersion \(resourceVersion ?? "?")): \(reason)"
        }
    }

    private struct Identity: Decodable {
        struct Meta: Decodable {
            var namespace: String?
            var name: String?
            var resourceVersion: String?
        }
        var metadata: Meta?
    }

    init(from decoder: any Decoder) throws {
        do {
            self = .decoded(try T(from: decoder))
        } catch {
            let identity = try? Identity(from: decoder)
            self = .undecodable(Undecodable(namespace: identity?.metadata?.namespace, name: identity?.metadata?.name,
                                            resourceVersion: identity?.metadata?.resourceVersion, reason: Self.reason(error)))
        }
    }

    /// The decoding error with its field path, in one line.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return "\(path.hasPrefix(".") ? String(path.dropFirst()) : path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
