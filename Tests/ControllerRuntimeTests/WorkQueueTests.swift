import Foundation
import ControllerRuntime
import Testing

@Suite(.timeLimit(.minutes(1))) struct WorkQueueTests {
    @Test func waitingWorkersReceiveKeysAsTheyAreAdded() async {
        let queue = WorkQueue<String>()
        async let first = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        queue.add("a")
        #expect(await first == "a")
        queue.done("a")
    }

    @Test func delayedKeysArriveOnceTheTimerRuns() async {
        let queue = WorkQueue<String>()
        let timer = Task { await queue.run() }
        defer { timer.cancel() }
        queue.add("late", after: .milliseconds(80))
        queue.add("soon", after: .milliseconds(10))
        #expect(await queue.next() == "soon")
        #expect(await queue.next() == "late")
    }

    @Test func theTimerSleepsWhileAKeyIsDelayedInsteadOfSpinning() async throws {
        let sleeps = Counter()
        let now = Counter()
        let clock = RuntimeClock(
            now: { now.increment(); return ContinuousClock.now },
            sleepUntil: { deadline in
                sleeps.increment()
                try await ContinuousClock().sleep(until: deadline, tolerance: nil)
            })
        let queue = WorkQueue<String>(clock: clock)
        let timer = Task { await queue.run() }
        defer { timer.cancel() }
        queue.add("later", after: .seconds(60))
        try await Task.sleep(for: .milliseconds(300))
        // One wait for the 60 s deadline; a spinning timer reads the clock thousands of times.
        #expect(sleeps.value == 1, "sleeps: \(sleeps.value)")
        #expect(now.value < 50, "clock reads: \(now.value)")
        // A sooner key still wakes it.
        queue.add("soon", after: .milliseconds(10))
        #expect(await queue.next() == "soon")
    }

    @Test func shutDownWakesWorkersAndDrainWaitsForKeysInFlight() async {
        let queue = WorkQueue<String>()
        queue.add("a")
        let taken = await queue.next()
        #expect(taken == "a")
        async let idle = queue.next()
        let drained = Task { await queue.shutDownAndDrain() }
        #expect(await idle == nil)
        try? await Task.sleep(for: .milliseconds(20))
        queue.done("a")
        await drained.value
        #expect(queue.processingCount == 0)
    }

    @Test func cancellingAWaitingWorkerReturnsNil() async {
        let queue = WorkQueue<String>()
        let worker = Task { await queue.next() }
        try? await Task.sleep(for: .milliseconds(20))
        worker.cancel()
        #expect(await worker.value == nil)
    }
}

/// A thread-safe counter for clock probes.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
