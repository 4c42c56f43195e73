import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output or error: whether it is a terminal (progress and colour) or a pipe (plain lines).
struct Terminal: Sendable {
    let descriptor: Int32

    static let standardOutput = Terminal(descriptor: STDOUT_FILENO)
    static let standardError = Terminal(descriptor: STDERR_FILENO)

    /// Whether the stream is a terminal.
    var isTTY: Bool { isatty(descriptor) == 1 }

    /// Whether to colour: a terminal, and neither `NO_COLOR` set nor `TERM=dumb`.
    var usesColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        return isTTY && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    func write(line: String) { write(line + "\n") }

    /// `text` in an ANSI colour when colouring, else as is.
    func paint(_ text: String, _ color: Color) -> String {
        usesColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", cyan = "36", bold = "1", dim = "2"
    }
}
