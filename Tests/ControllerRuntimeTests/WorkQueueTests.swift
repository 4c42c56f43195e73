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
