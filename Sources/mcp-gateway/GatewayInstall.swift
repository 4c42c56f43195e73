#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `mcp-gateway --install-to DIR`: copies the gateway's install folder (`bin/mcp-gateway` and
/// `lib/` with every shared library and the loader) into DIR, so a pod's init container can hand
/// the gateway to a server container of any image through a shared volume.
enum GatewayInstall {
    /// Why the install failed: one line naming the path and the problem.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The install folder of the running binary: two levels above it (`/opt/mcp-gateway` for
    /// `/opt/mcp-gateway/bin/mcp-gateway`). `argv0` wins when it holds a `/` (the path the program
    /// was started by, which is also what the dynamic loader passes on when it runs the binary,
    /// and keeps a symlinked `bin/mcp-gateway` in its own folder); otherwise (a PATH lookup)
    /// `executable`, the resolved `/proc/self/exe`. Relative paths resolve against `directory`.
    static func installRoot(argv0: String, executable: String?, directory: String) -> String? {
        let binary: String
        if argv0.contains("/") {
            binary = argv0
        } else if let executable {
            binary = executable
        } else {
            return nil
        }
        let absolute = binary.hasPrefix("/") ? binary : directory + "/" + binary
        var components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // Normalize "." and ".." without touching the file system (symlinks stay as given).
        var normalized: [String] = []
        for component in components {
            switch component {
            case ".": continue
            case "..": if !normalized.isEmpty { normalized.removeLast() }
            default: normalized.append(component)
            }
        }
        components = normalized
        guard components.count >= 2 else { return nil }
        return "/" + components.dropLast(2).joined(separator: "/")
    }

    /// The resolved path of the running executable (`/proc/self/exe`), if the system has it.
    static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Copies the install folder of the running gateway into `destination` and returns what was
    /// copied, for the log line.
    static func run(destination: String) throws -> (source: String, files: Int) {
        guard let root = installRoot(argv0: CommandLine.arguments.first ?? "", executable: currentExecutable(),
                                     directory: FileManager.default.currentDirectoryPath) else {
            throw Failure(description: "--install-to: cannot tell where the running mcp-gateway binary is (no /proc/self/exe and no path in argv[0])")
        }
        let files = try copyTree(from: root, into: destination)
        return (root, files)
    }

    /// Copies the contents of `source` into the existing folder `destination`, recursively:
    /// folders, regular files (with their permission bits) and symbolic links (as links).
    /// Existing files of the same name are replaced. Returns how many entries were copied.
    static func copyTree(from source: String, into destination: String) throws -> Int {
        var info = stat()
        guard stat(destination, &info) == 0 else {
            throw Failure(description: "--install-to \(destination): \(String(cString: strerror(errno))) (the folder must exist)")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "--install-to \(destination): not a folder")
        }
        guard access(destination, W_OK | X_OK) == 0 else {
            throw Failure(description: "--install-to \(destination): not writable: \(String(cString: strerror(errno)))")
        }
        var sourceInfo = stat()
        guard stat(source, &sourceInfo) == 0, sourceInfo.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "--install-to: the gateway's install folder \(source) cannot be read: \(String(cString: strerror(errno)))")
        }
        let resolvedSource = resolved(source), resolvedDestination = resolved(destination)
        guard resolvedDestination != resolvedSource, !resolvedDestination.hasPrefix(resolvedSource + "/") else {
            throw Failure(description: "--install-to \(destination): that is inside the gateway's own install folder \(source)")
        }
        return try copyContents(of: source, into: destination)
    }

    /// `path` with every symlink resolved, or as given when it cannot be.
    private static func resolved(_ path: String) -> String {
        guard let pointer = realpath(path, nil) else { return path }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func copyContents(of source: String, into destination: String) throws -> Int {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        } catch {
            throw Failure(description: "--install-to: cannot list \(source): \(error.localizedDescription)")
        }
        var count = 0
        for name in names {
            let from = source + "/" + name
            let to = destination + "/" + name
            var info = stat()
            guard lstat(from, &info) == 0 else { throw systemFailure("cannot read", from) }
            let permissions = mode_t(info.st_mode & 0o7777)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                var existing = stat()
                if lstat(to, &existing) == 0, existing.st_mode & S_IFMT != S_IFDIR { _ = unlink(to) }
                if mkdir(to, 0o700) != 0 && errno != EEXIST { throw systemFailure("cannot create", to) }
                count += 1 + (try copyContents(of: from, into: to))
                guard chmod(to, permissions) == 0 else { throw systemFailure("cannot set the mode of", to) }
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(from, &buffer, buffer.count - 1)
                guard length >= 0 else { throw systemFailure("cannot read the link", from) }
                let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                try removeIfPresent(to)
                guard symlink(target, to) == 0 else { throw systemFailure("cannot create the link", to) }
                count += 1
            case S_IFREG:
                try removeIfPresent(to)
                try copyFile(from, to, permissions: permissions)
                count += 1
            default:
                continue  // sockets, devices and pipes are not part of an install folder
            }
        }
        return count
    }

    private static func removeIfPresent(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            do { try FileManager.default.removeItem(atPath: path) } catch { throw Failure(description: "--install-to: cannot replace \(path): \(error.localizedDescription)") }
        } else if unlink(path) != 0 {
            throw systemFailure("cannot replace", path)
        }
    }

    private static func copyFile(_ from: String, _ to: String, permissions: mode_t) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw systemFailure("cannot open", from) }
        defer { close(input) }
        let output = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw systemFailure("cannot create", to) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw systemFailure("cannot read", from)
            }
            if got == 0 { break }
            var written = 0
            while written < got {
                let result = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, got - written) }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw systemFailure("cannot write", to)
                }
                written += result
            }
        }
        // fchmod after writing: the umask does not apply, so the copy keeps the source's mode.
        guard fchmod(output, permissions) == 0 else { throw systemFailure("cannot set the mode of", to) }
    }

    private static func systemFailure(_ what: String, _ path: String) -> Failure {
        Failure(description: "--install-to: \(what) \(path): \(String(cString: strerror(errno)))")
    }
}
