import ArgumentParser
import Foundation
import KubeModel
import LocalStore
import OperatorAPI

/// The options every local-mode command shares: where the state lives and which namespace.
struct LocalOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp("The state directory (default: $XDG_DATA_HOME/mcp-operator, else ~/.local/share/mcp-operator).", valueName: "dir"))
    var state: String?

    @Option(name: [.short, .customLong("namespace")], help: "The namespace (default: default, or the object's own for apply).")
    var namespace: String?

    @Option(name: [.short, .customLong("v")], help: ArgumentHelp("Log verbosity, as kubectl's -v: 6 and above log every store write.", valueName: "level"))
    var verbosity: Int = 0

    /// The state directory.
    var directory: String {
        state ?? LocalStateStore.defaultDirectory(environment: ProcessInfo.processInfo.environment)
    }

    /// The namespace commands use.
    var effectiveNamespace: String { namespace ?? "default" }

    /// Opens the store, turning its errors into one clear line.
    func openStore() throws -> LocalStateStore {
        do {
            return try LocalStateStore(directory: directory)
        } catch let error as LocalStoreError {
            throw CLIError(error.description)
        }
    }

    /// Logs a line on standard error when the verbosity is at least `level`.
    func log(_ level: Int, _ message: @autoclosure () -> String) {
        if verbosity >= level { Terminal.standardError.write(line: message()) }
    }
}

/// Reads `-f` arguments: files, folders (their `.yaml`, `.yml` and `.json` files, in name
/// order; with `recursive`, also those of sub-folders) and `-` for standard input.
enum ManifestFiles {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    static func read(_ paths: [String], recursive: Bool) throws -> [LocalManifest] {
        guard !paths.isEmpty else { throw CLIError("must specify -f FILE (a file, a folder, or - for standard input)") }
        var manifests: [LocalManifest] = []
        for path in paths {
            for file in try files(at: path, recursive: recursive) {
                let data: Data
                if file == "-" {
                    data = FileHandle.standardInput.readDataToEndOfFile()
                } else {
                    guard let contents = FileManager.default.contents(atPath: file) else {
                        throw CLIError("the path \"\(file)\" cannot be read")
                    }
                    data = contents
                }
                let text = try utf8Text(data, file: file == "-" ? "standard input" : file)
                do {
                    manifests += try LocalManifest.read(text: text, file: file)
                } catch let error as ManifestError {
                    throw CLIError(error.description)
                }
            }
        }
        guard !manifests.isEmpty else { throw CLIError("no objects passed to apply (\(paths.joined(separator: ", ")) holds none)") }
        return manifests
    }

    /// The text of a manifest; a file that is not UTF-8 is refused at its first bad byte (it must
    /// not be read with replacement characters stored in its place).
    static func utf8Text(_ data: Data, file: String) throws -> String {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw CLIError("\(file): the file is UTF-16; save it as UTF-8")
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        // The line and column of the first scalar that does not decode.
        var line = 1, column = 1, offset = 0
        var bytes = data.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&bytes) {
            offset += UTF8.width(scalar)
            if scalar == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
        }
        throw CLIError("\(file):\(line):\(column): the file is not UTF-8 (byte \(offset))")
    }

    static func files(at path: String, recursive: Bool) throws -> [String] {
        var visited: Set<String> = []
        return try files(at: path, recursive: recursive, visited: &visited)
    }

    /// The files under `path`; a folder reached twice (a symbolic link to a parent) is read once.
    private static func files(at path: String, recursive: Bool, visited: inout Set<String>) throws -> [String] {
        if path == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("the path \"\(path)\" does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        guard visited.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().path).inserted else { return [] }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        var found: [String] = []
        for entry in entries where !entry.hasPrefix(".") {
            let child = (path as NSString).appendingPathComponent(entry)
            var childIsDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory)
            if childIsDirectory.boolValue {
                if recursive { found += try files(at: child, recursive: true, visited: &visited) }
            } else if extensions.contains((entry as NSString).pathExtension.lowercased()) {
                found.append(child)
            }
        }
        return found
    }
}

/// The kind a user named on the command line, with kubectl's message for an unknown one.
func resourceKind(_ text: String) throws -> LocalKind {
    guard let kind = LocalKind(resourceName: text) else {
        throw CLIError("the server doesn't have a resource type \"\(text)\" (local mode knows mcpservers (mcps) and mcppolicies (mcpp))")
    }
    return kind
}

/// `kind/name` or `kind name...` arguments, as kubectl takes them.
func resourceReferences(_ arguments: [String]) throws -> [(kind: LocalKind, name: String?)] {
    guard let first = arguments.first else { return [] }
    if first.contains("/") {
        return try arguments.map { argument in
            let parts = argument.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw CLIError("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (\"\(argument)\")")
            }
            return (try resourceKind(parts[0]), parts[1])
        }
    }
    let kinds = try first.split(separator: ",").map { try resourceKind(String($0)) }
    let names = arguments.dropFirst()
    if names.isEmpty { return kinds.map { ($0, nil) } }
    guard kinds.count == 1 else { throw CLIError("names cannot be given with several resource types (\(first))") }
    return names.map { (kinds[0], $0) }
}
