import ControllerRuntime
import Foundation
import Logging
import Testing

@testable import LocalMode

/// The controller's delayed requeues: kept out of the work queue's delay heap, each key once at
/// its earliest time, failures after a growing backoff.
@Suite struct RequeueTimersTests {
    struct Failure: Error {}

    /// A reconciler that answers with the next scripted result.
    final class Script: Reconciler, @unchecked Sendable {
        let lock = NSLock()
        var results: [Result<ReconcileResult, Failure>]
        init(_ results: [Result<ReconcileResult, Failure>]) { self.results = results }
        func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
            try lock.withLock { results.removeFirst() }.get()
        }
    }

    @Test func delayedResultsBecomeTimersThatFireOnceAtTheEarliestTime() async throws {
        let (fired, sink) = AsyncStream.makeStream(of: ObjectKey.self)
        let timers = RequeueTimers { sink.yield($0) }
        let key = ObjectKey(namespace: "default", name: "posts")
        let script = Script([.success(.requeueAfter(.seconds(3600))), .success(.requeueAfter(.milliseconds(1))), .failure(Failure()),
                             .success(.done), .failure(Failure())])
        let reconciler = TimedRequeueReconciler(inner: script, timers: timers, backoff: .init(baseDelay: .seconds(600), maxDelay: .seconds(3600)),
                                                logger: Logger(label: "test"))

        // requeueAfter: the queue sees done; the key waits in a timer.
        #expect(try await reconciler.reconcile(key) == .done)
        let late = try #require(timers.due(key))
        #expect(timers.count == 1)
        // An earlier time replaces the later one, and fires once.
        #expect(try await reconciler.reconcile(key) == .done)
        #expect(try #require(timers.due(key)) < late)
        var iterator = fired.makeAsyncIterator()
        #expect(await iterator.next() == key)
        #expect(timers.count == 0)

        // A failure is not thrown to the queue (whose delay heap would hold it) but backed off here;
        // a later time does not replace an earlier one.
        #expect(try await reconciler.reconcile(key) == .done)
        let backedOff = try #require(timers.due(key))
        #expect(backedOff > .now + .seconds(500), "the base delay of the backoff")
        timers.schedule(key, after: .seconds(7200))
        #expect(timers.due(key) == backedOff)
        // Success forgets the failures: the next failure backs off from the base delay again.
        timers.cancelAll()
        #expect(try await reconciler.reconcile(key) == .done)
        #expect(timers.count == 0)
        #expect(try await reconciler.reconcile(key) == .done)
        #expect(try #require(timers.due(key)) < .now + .seconds(700))

        // Cancelled timers add nothing.
        timers.cancelAll()
        #expect(timers.count == 0)
        sink.finish()
        #expect(await iterator.next() == nil)
    }
}
