import Foundation

/// The admin token of each local server's gateways: 32 random bytes, hex, kept in a file of the
/// state directory (mode 0600) so a restarted controller can still push policy.
struct AdminTokens: Sendable {
    let directory: String

    /// The token of `namespace/name`, made on first use.
    func token(namespace: String, name: String) throws -> String {
        let path = self.path(namespace: namespace, name: name)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if token.count >= 32 { return token }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        guard FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LocalControllerError("cannot write the gateway admin token file \(path)")
        }
        return token
    }

    /// Forgets the token of a deleted server.
    func remove(namespace: String, name: String) {
        try? FileManager.default.removeItem(atPath: path(namespace: namespace, name: name))
    }

    private func path(namespace: String, name: String) -> String {
        (directory as NSString).appendingPathComponent("\(namespace)_\(name).token")
    }
}

/// A failure of the local controller that is not the engine's or the store's: names what failed.
public struct LocalControllerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
