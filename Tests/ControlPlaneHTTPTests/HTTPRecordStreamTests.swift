import ControlPlaneHTTP
import Foundation
import Testing

@Suite struct HTTPRecordStreamTests {
    @Test func batchesAreYieldedOneRecordAtATimeInOrder() async throws {
        let (stream, continuation) = HTTPRecordStream.makeStream()
        continuation.yield([Data("a".utf8), Data("b".utf8)])
        continuation.yield([])
        continuation.yield([Data("c".utf8)])
        continuation.finish()
        var records: [String] = []
        for try await record in stream { records.append(String(decoding: record, as: UTF8.self)) }
        #expect(records == ["a", "b", "c"])
    }

    @Test func anErrorAfterABatchComesAfterItsRecords() async throws {
        struct Boom: Error {}
        let (stream, continuation) = HTTPRecordStream.makeStream()
        continuation.yield([Data("a".utf8), Data("b".utf8)])
        continuation.finish(throwing: Boom())
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == Data("a".utf8))
        #expect(try await iterator.next() == Data("b".utf8))
        await #expect(throws: Boom.self) { _ = try await iterator.next() }
    }
}
