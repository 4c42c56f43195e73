import Logging
import KubeModel
import OperatorCore

/// The format of log lines.
enum LogFormat: String, Sendable, CaseIterable {
    case json
    case text
}

/// The operator's command-line settings, as values.
struct OperatorOptions: Sendable {
    var kubeconfig: String?
    var context: String?
    var namespaces: [String]
    var leaderElect: Bool
    var leaderElectionNamespace: String?
    var metricsBindAddress: String
    var healthProbeBindAddress: String
    var maxConcurrentReconciles: Int
    var gatewayImage: String
    var gatewayImagePullPolicy: ImagePullPolicy
    var logFormat: LogFormat
    var logLevel: Logger.Level

    static func level(_ text: String) -> Logger.Level? { Logger.Level(rawValue: text.lowercased()) }

    /// The value of `--gateway-image-pull-policy`: one of the Kubernetes `imagePullPolicy` values,
    /// spelled as Kubernetes spells them.
    static func pullPolicy(_ text: String) throws(OperatorStartupError) -> ImagePullPolicy {
        guard let policy = ImagePullPolicy(rawValue: text) else {
            let allowed = ImagePullPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidFlag("--gateway-image-pull-policy", "expected one of \(allowed), got \"\(text)\"")
        }
        return policy
    }
}

/// A listen address given as `HOST:PORT` or `:PORT` (all interfaces); port 0 disables the listener.
struct BindAddress: Sendable, Hashable {
    var host: String
    var port: Int

    init(parsing text: String, flag: String) throws(OperatorStartupError) {
        if text == "0" {
            host = "0.0.0.0"
            port = 0
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw .invalidFlag(flag, "expected HOST:PORT or :PORT, got \"\(text)\"")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// Whether the listener is switched off.
    var isDisabled: Bool { port == 0 }
}

/// Why the operator could not start: one clear line for the user.
struct OperatorStartupError: Error, CustomStringConvertible {
    let description: String

    static func invalidFlag(_ flag: String, _ problem: String) -> OperatorStartupError {
        OperatorStartupError(description: "\(flag): \(problem)")
    }

    static func configuration(_ error: any Error) -> OperatorStartupError {
        OperatorStartupError(description: "cannot load the Kubernetes client configuration: \(error)")
    }
}

import Foundation
