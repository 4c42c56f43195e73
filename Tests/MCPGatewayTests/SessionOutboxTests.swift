import Testing

@testable import MCPGateway

@Suite("Session outbox")
struct SessionOutboxTests {
    @Test func deliversInOrderAndBuffersWhileDetached() async {
        let outbox = SessionOutbox(capacity: 2)
        for index in 0..<3 { outbox.send(.notification(method: "n\(index)", params: nil)) }
        #expect(outbox.attach())
        #expect(!outbox.attach(), "one consumer at a time")
        #expect(await outbox.next()?.method == "n1", "the oldest is dropped beyond capacity")
        #expect(await outbox.next()?.method == "n2")
        outbox.finish()
        #expect(await outbox.next() == nil)
    }

    @Test func aCancelledWaitDoesNotEndTheNextOne() async throws {
        let outbox = SessionOutbox()
        _ = outbox.attach()
        let waiting = Task { await outbox.next() }
        waiting.cancel()
        #expect(await waiting.value == nil)
        for _ in 0..<50 {
            let wait = await outbox.next(timeout: .microseconds(50))
            if case .finished = wait { Issue.record("a stale cancellation ended the stream") }
        }
        outbox.send(.notification(method: "after", params: nil))
        #expect(await outbox.next()?.method == "after")
    }

    @Test func aNewConsumerTakesOverAndTheOldOneGetsNothingMore() async throws {
        let outbox = SessionOutbox()
        let first = try #require(outbox.takeOver())
        let waiting = Task { await outbox.next(consumer: first) }
        try await Task.sleep(for: .milliseconds(20))
        let second = try #require(outbox.takeOver())
        #expect(await waiting.value == nil, "the old consumer's wait ends")
        outbox.send(.notification(method: "after", params: nil))
        #expect(await outbox.next(consumer: first) == nil, "an old consumer takes nothing")
        outbox.detach(consumer: first)
        #expect(outbox.isAttached, "an old consumer's detach leaves the new one attached")
        #expect(await outbox.next(consumer: second)?.method == "after")
        outbox.finish()
        #expect(outbox.takeOver() == nil)
    }
}
