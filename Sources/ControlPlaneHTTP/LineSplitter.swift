import Foundation

/// Splits a byte stream into newline-delimited records. Each byte is scanned once and copied at
/// most once into the pending buffer, however many reads one record spans.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// The largest record accepted; a longer one is an error rather than unbounded memory.
    public let maxRecordBytes: Int

    /// Raised when a record grows past `maxRecordBytes`.
    public struct RecordTooLarge: Error, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a streamed record exceeded \(limit) bytes without a newline" }
    }

    public init(maxRecordBytes: Int = 128 << 20) {
        self.maxRecordBytes = maxRecordBytes
    }

    /// Feeds bytes and calls `emit` for every record they complete.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, emit: (Data) -> Void) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var start = 0
        while start < bytes.count {
            let remaining = bytes.count - start
            guard let hit = memchr(base + start, 0x0A, remaining) else { break }
            let end = base.distance(to: UnsafeRawPointer(hit))
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if pending.isEmpty {
                emitRecord(Data(piece), emit)
            } else {
                pending.append(contentsOf: piece)
                emitRecord(Data(pending), emit)
                pending.removeAll(keepingCapacity: pending.count <= 64 << 10)
            }
            start = end + 1
        }
        if start < bytes.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            if pending.count > maxRecordBytes { throw RecordTooLarge(limit: maxRecordBytes) }
        }
    }

    /// Convenience for tests and callers holding `Data`.
    public mutating func append(_ data: Data, emit: (Data) -> Void) throws {
        try data.withUnsafeBytes { try append($0, emit: emit) }
    }

    /// Emits what is left when the stream ends without a final newline.
    public mutating func finish(emit: (Data) -> Void) {
        if !pending.isEmpty { emitRecord(Data(pending), emit) }
        pending = []
    }

    private func emitRecord(_ record: Data, _ emit: (Data) -> Void) {
        var record = record
        if record.last == 0x0D { record.removeLast() }
        if !record.isEmpty { emit(record) }
    }
}
