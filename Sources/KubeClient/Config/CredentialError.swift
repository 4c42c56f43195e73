import Foundation

/// Why a credential source could not produce credentials: the token file or the exec plugin, and
/// what went wrong with it (exit code, the plugin's stderr, its install hint).
///
/// `code` names the kind of failure without any values, safe as a metric label or to match on.
public struct CredentialError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, without the details. Compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case tokenFileUnreadable, tokenFileEmpty, execNotFound, execFailed, execInvalidOutput, execUnsupported
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The token file is missing or unreadable.
        public static let tokenFileUnreadable = Code(.tokenFileUnreadable)
        /// The token file holds nothing but whitespace.
        public static let tokenFileEmpty = Code(.tokenFileEmpty)
        /// The exec plugin's command could not be found or started.
        public static let execNotFound = Code(.execNotFound)
        /// The exec plugin exited with a non-zero status or was killed.
        public static let execFailed = Code(.execFailed)
        /// The exec plugin's output is not a usable ExecCredential.
        public static let execInvalidOutput = Code(.execInvalidOutput)
        /// The exec plugin's configuration asks for something this client cannot do.
        public static let execUnsupported = Code(.execUnsupported)

        /// The code's name, such as `invalidField`: no values, so safe as a metric label.
        public var description: String { base.rawValue }
    }

    private enum Detail: Sendable {
        case tokenFileUnreadable(path: String, reason: String)
        case tokenFileEmpty(path: String)
        case execNotFound(command: String, reason: String, installHint: String?)
        case execFailed(command: String, status: String, stderr: String, installHint: String?)
        case execInvalidOutput(command: String, problem: String, stderr: String, installHint: String?)
        case execUnsupported(command: String, problem: String)
    }

    private let detail: Detail
    private init(_ detail: Detail) { self.detail = detail }

    /// The kind of failure.
    public var code: Code {
        switch detail {
        case .tokenFileUnreadable: .tokenFileUnreadable
        case .tokenFileEmpty: .tokenFileEmpty
        case .execNotFound: .execNotFound
        case .execFailed: .execFailed
        case .execInvalidOutput: .execInvalidOutput
        case .execUnsupported: .execUnsupported
        }
    }

    /// One line for the user naming the token file or plugin command at fault (with the plugin's
    /// exit status and stderr), followed by the plugin's install hint on its own line when it has one.
    public var description: String {
        switch detail {
        case .tokenFileUnreadable(let path, let reason):
            return "token file \(path): cannot read: \(reason)"
        case .tokenFileEmpty(let path):
            return "token file \(path): empty"
        case .execNotFound(let command, let reason, let hint):
            return "exec plugin \(command): \(reason)" + Self.hint(hint)
        case .execFailed(let command, let status, let stderr, let hint):
            return "exec plugin \(command) \(status)" + Self.stderr(stderr) + Self.hint(hint)
        case .execInvalidOutput(let command, let problem, let stderr, let hint):
            return "exec plugin \(command): \(problem)" + Self.stderr(stderr) + Self.hint(hint)
        case .execUnsupported(let command, let problem):
            return "exec plugin \(command): \(problem)"
        }
    }

    private static func stderr(_ text: String) -> String {
        text.isEmpty ? "" : "; stderr: \(text)"
    }

    private static func hint(_ hint: String?) -> String {
        guard let hint, !hint.isEmpty else { return "" }
        return "\n\(hint)"
    }

    static func tokenFileUnreadable(_ path: String, reason: String) -> Self {
        Self(.tokenFileUnreadable(path: path, reason: reason))
    }
    static func tokenFileEmpty(_ path: String) -> Self { Self(.tokenFileEmpty(path: path)) }
    static func execNotFound(_ command: String, reason: String, installHint: String?) -> Self {
        Self(.execNotFound(command: command, reason: reason, installHint: installHint))
    }
    static func execFailed(_ command: String, status: String, stderr: String, installHint: String?) -> Self {
        Self(.execFailed(command: command, status: status, stderr: stderr, installHint: installHint))
    }
    static func execInvalidOutput(_ command: String, problem: String, stderr: String, installHint: String?) -> Self {
        Self(.execInvalidOutput(command: command, problem: problem, stderr: stderr, installHint: installHint))
    }
    static func execUnsupported(_ command: String, problem: String) -> Self {
        Self(.execUnsupported(command: command, problem: problem))
    }
}
