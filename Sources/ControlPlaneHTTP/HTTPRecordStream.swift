import Foundation

/// The records of a streamed response. The transfer hands them over in batches (every record one
/// network read completed), so a fast stream costs one hand-off between threads per read rather
/// than per record; iteration yields them one at a time.
public struct HTTPRecordStream: AsyncSequence, Sendable {
    public typealias Element = Data
    let batches: AsyncThrowingStream<[Data], any Error>

    /// A stream fed through `continuation`, one batch of records per `yield`.
    public static func makeStream() -> (stream: HTTPRecordStream, continuation: AsyncThrowingStream<[Data], any Error>.Continuation) {
        let (batches, continuation) = AsyncThrowingStream<[Data], any Error>.makeStream()
        return (HTTPRecordStream(batches: batches), continuation)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: batches.makeAsyncIterator())
    }

    /// Yields the records of each batch in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[Data], any Error>.AsyncIterator
        var pending: [Data] = []
        var index = 0

        public mutating func next() async throws -> Data? {
            while index >= pending.count {
                guard let batch = try await base.next() else { return nil }
                pending = batch
                index = 0
            }
            defer { index += 1 }
            return pending[index]
        }
    }
}
