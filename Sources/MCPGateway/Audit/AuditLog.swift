import Foundation
import NIOConcurrencyHelpers

/// Where audit records go: whole JSON lines, one per decided tool call, never interleaved.
public final class AuditLog: Sendable {
    private let write: @Sendable ([UInt8]) -> Void
    private let lock = NIOLock()

    /// A log handing each line to `write` (called under a lock, one line at a time).
    public init(write: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = write
    }

    /// A log writing to standard error, next to the diagnostic log.
    public static func standardError() -> AuditLog {
        AuditLog { FileHandle.standardError.write(Data($0)) }
    }

    /// A log that drops every record.
    public static let discard = AuditLog { _ in }

    /// Appends one record.
    public func record(_ line: [UInt8]) {
        lock.withLock { write(line) }
    }
}
