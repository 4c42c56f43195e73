import Foundation

/// A Docker Engine API version such as `1.41`: what the client speaks, what the engine offers,
/// and the `/vX.Y` prefix of every request path.
public struct DockerAPIVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The major number (1 for every engine so far).
    public var major: Int
    /// The minor number.
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `"1.41"`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = DockerAPIVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an API version: \(text)"))
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: DockerAPIVersion, rhs: DockerAPIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }

    /// The newest API version this client knows; negotiation never goes above it.
    public static let clientMaximum = DockerAPIVersion(1, 47)
    /// The oldest API version this client works with (Docker 20.10 speaks 1.41).
    public static let clientMinimum = DockerAPIVersion(1, 41)
}
