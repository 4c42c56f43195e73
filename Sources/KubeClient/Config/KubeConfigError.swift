import Foundation

/// Why a client configuration could not be loaded: which file, which field, what was wrong.
///
/// `description` is the one line to show a user, such as
/// `kubeconfig /x/config: users[1].user.client-key-data: invalid base64`.
/// `code` names the kind of failure without any values, safe as a metric label or to match on.
public struct KubeConfigError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, without the details. Compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notFound, unreadableFile, yamlSyntax, invalidField, noCurrentContext
            case contextNotFound, clusterNotFound, userNotFound, unsupported
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No configuration was found in any of the places searched, or a named file does not exist.
        public static let notFound = Code(.notFound)
        /// A kubeconfig or a file it names exists but could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// A kubeconfig is not valid YAML.
        public static let yamlSyntax = Code(.yamlSyntax)
        /// A field of a kubeconfig has the wrong type or an invalid value.
        public static let invalidField = Code(.invalidField)
        /// Neither `current-context` nor an explicit context selects a context.
        public static let noCurrentContext = Code(.noCurrentContext)
        /// The selected context is not defined.
        public static let contextNotFound = Code(.contextNotFound)
        /// The selected context names a cluster that is not defined.
        public static let clusterNotFound = Code(.clusterNotFound)
        /// The selected context names a user that is not defined.
        public static let userNotFound = Code(.userNotFound)
        /// The kubeconfig asks for something this client does not do (auth providers, basic auth).
        public static let unsupported = Code(.unsupported)

        /// The code's name, such as `invalidField`: no values, so safe as a metric label.
        public var description: String { base.rawValue }
    }

    private enum Detail: Sendable {
        case nothingFound(tried: [String])
        case fileNotFound(path: String, source: String)
        case unreadable(file: String, field: String?, path: String, reason: String)
        case yamlSyntax(file: String, line: Int?, column: Int?, problem: String)
        case invalidField(file: String, field: String, problem: String)
        case noCurrentContext(files: String)
        case contextNotFound(name: String, files: String, known: [String])
        case clusterNotFound(name: String, context: String, files: String)
        case userNotFound(name: String, context: String, files: String)
        case unsupported(file: String, field: String, problem: String)
    }

    private let detail: Detail
    private init(_ detail: Detail) { self.detail = detail }

    /// The kind of failure.
    public var code: Code {
        switch detail {
        case .nothingFound, .fileNotFound: .notFound
        case .unreadable: .unreadableFile
        case .yamlSyntax: .yamlSyntax
        case .invalidField: .invalidField
        case .noCurrentContext: .noCurrentContext
        case .contextNotFound: .contextNotFound
        case .clusterNotFound: .clusterNotFound
        case .userNotFound: .userNotFound
        case .unsupported: .unsupported
        }
    }

    /// One line for the user, naming the file, field, command or path at fault.
    public var description: String {
        switch detail {
        case .nothingFound(let tried):
            return "no Kubernetes client configuration found; tried: " + tried.joined(separator: "; ")
        case .fileNotFound(let path, let source):
            return "kubeconfig \(path) (from \(source)): no such file"
        case .unreadable(let file, let field, let path, let reason):
            if let field {
                return "kubeconfig \(file): \(field): cannot read \(path): \(reason)"
            }
            return "kubeconfig \(path): cannot read: \(reason)"
        case .yamlSyntax(let file, let line, let column, let problem):
            if let line, let column {
                return "kubeconfig \(file): line \(line), column \(column): \(problem)"
            }
            return "kubeconfig \(file): \(problem)"
        case .invalidField(let file, let field, let problem):
            return "kubeconfig \(file): \(field): \(problem)"
        case .noCurrentContext(let files):
            return "kubeconfig \(files): current-context is not set and no context was given"
        case .contextNotFound(let name, let files, let known):
            let list = known.isEmpty ? "no contexts are defined" : "known contexts: " + known.joined(separator: ", ")
            return "context \"\(name)\" not found in kubeconfig \(files) (\(list))"
        case .clusterNotFound(let name, let context, let files):
            return "cluster \"\(name)\" referenced by context \"\(context)\" not found in kubeconfig \(files)"
        case .userNotFound(let name, let context, let files):
            return "user \"\(name)\" referenced by context \"\(context)\" not found in kubeconfig \(files)"
        case .unsupported(let file, let field, let problem):
            return "kubeconfig \(file): \(field): \(problem)"
        }
    }

    static func nothingFound(tried: [String]) -> Self { Self(.nothingFound(tried: tried)) }
    static func fileNotFound(_ path: String, source: String) -> Self { Self(.fileNotFound(path: path, source: source)) }
    static func unreadableConfig(_ path: String, reason: String) -> Self {
        Self(.unreadable(file: path, field: nil, path: path, reason: reason))
    }
    static func unreadableFile(_ path: String, field: String, in file: String, reason: String) -> Self {
        Self(.unreadable(file: file, field: field, path: path, reason: reason))
    }
    static func yamlSyntax(file: String, line: Int?, column: Int?, problem: String) -> Self {
        Self(.yamlSyntax(file: file, line: line, column: column, problem: problem))
    }
    static func invalidField(file: String, field: String, problem: String) -> Self {
        Self(.invalidField(file: file, field: field, problem: problem))
    }
    static func noCurrentContext(files: String) -> Self { Self(.noCurrentContext(files: files)) }
    static func contextNotFound(_ name: String, files: String, known: [String]) -> Self {
        Self(.contextNotFound(name: name, files: files, known: known))
    }
    static func clusterNotFound(_ name: String, context: String, files: String) -> Self {
        Self(.clusterNotFound(name: name, context: context, files: files))
    }
    static func userNotFound(_ name: String, context: String, files: String) -> Self {
        Self(.userNotFound(name: name, context: context, files: files))
    }
    static func unsupported(file: String, field: String, problem: String) -> Self {
        Self(.unsupported(file: file, field: field, problem: problem))
    }
}

extension KubeConfigError {
    /// A readable reason for a failed file read, without Foundation's long wrapper text.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return nsError.localizedDescription
    }
}
