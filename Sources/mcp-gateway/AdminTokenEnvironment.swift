import Foundation

#if canImport(Glibc)
import Glibc
#endif

// prctl(2) is variadic in C; Swift imports no variadic function.
@_silgen_name("prctl")
private func processControl(_ option: Int32, _ second: UInt, _ third: UInt, _ fourth: UInt, _ fifth: UInt) -> Int32

/// The admin token as the operator hands it over: in `MCP_GATEWAY_ADMIN_TOKEN` (from the admin
/// Secret), never as a file. A stdio server runs under this gateway in the same container and as
/// the same user; a mounted token file would be readable by it, and so would this process's
/// environment and memory, were it dumpable. So the gateway, first thing:
/// - makes itself non-dumpable (`PR_SET_DUMPABLE` 0): its `/proc/PID/environ`, `mem` and the like
///   then belong to root, and the same user can neither read them nor attach to it;
/// - takes the token out of its environment, wiping the original bytes, so no child inherits it.
enum AdminTokenEnvironment {
    static let variable = "MCP_GATEWAY_ADMIN_TOKEN"
    static let setDumpable: Int32 = 4  // PR_SET_DUMPABLE

    /// The token, or nil when the variable is unset or empty.
    static func take() -> String? {
        _ = processControl(setDumpable, 0, 0, 0, 0)
        guard let pointer = getenv(variable) else { return nil }
        let token = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
        memset(pointer, 0, strlen(pointer))
        unsetenv(variable)
        return token.isEmpty ? nil : token
    }
}
