import Testing
@testable import ControllerRuntime

@Suite struct WorkQueueCoreTests {
    let t0 = ContinuousClock.now

    @Test func addingAKeyTwiceBeforeItIsTakenQueuesItOnce() {
        var core = WorkQueueCore<String>()
        let ok1 = (core.add("a", now: t0))
        #expect(ok1)
        let ok2 = (!core.add("a", now: t0))
        #expect(ok2)
        core.add("b", now: t0)
        #expect(core.count == 2)
        let ok3 = (core.take(now: t0)?.key == "a")
        #expect(ok3)
        let ok4 = (core.take(now: t0)?.key == "b")
        #expect(ok4)
        let ok5 = (core.take(now: t0) == nil)
        #expect(ok5)
    }

    @Test func aKeyAddedWhileProcessingIsHandedOutOnlyAfterDone() {
        var core = WorkQueueCore<String>()
        core.add("a", now: t0)
        let ok6 = (core.take(now: t0)?.key == "a")
        #expect(ok6)
        // Added again while a worker holds it: not ready for a second worker.
        let ok7 = (!core.add("a", now: t0))
        #expect(ok7)
        let ok8 = (!core.add("a", now: t0))
        #expect(ok8)
        let ok9 = (core.take(now: t0) == nil)
        #expect(ok9)
        #expect(core.isProcessing("a"))
        // Done: it comes back once.
        let ok10 = (core.done("a", now: t0))
        #expect(ok10)
        let ok11 = (core.take(now: t0)?.key == "a")
        #expect(ok11)
        let ok12 = (!core.done("a", now: t0))
        #expect(ok12)
        let ok13 = (core.take(now: t0) == nil)
        #expect(ok13)
    }

    @Test func takeReportsHowLongTheKeyWaited() {
        var core = WorkQueueCore<String>()
        core.add("a", now: t0)
        let ok14 = (core.take(now: t0 + .milliseconds(30))?.waited == .milliseconds(30))
        #expect(ok14)
    }

    @Test func perItemBackoffDoublesFrom5msAndIsCapped() {
        var limiter = RateLimiter<String>(configuration: .init(baseDelay: .milliseconds(5), maxDelay: .seconds(1000)))
        let delays = (0..<5).map { _ in limiter.itemDelay("a") }
        #expect(delays == [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(80)])
        for _ in 0..<40 { _ = limiter.itemDelay("a") }
        let ok15 = (limiter.itemDelay("a") == .seconds(1000))
        #expect(ok15)
        let ok16 = (limiter.itemDelay("b") == .milliseconds(5))
        #expect(ok16)
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        let ok17 = (limiter.itemDelay("a") == .milliseconds(5))
        #expect(ok17)
    }

    @Test func tokenBucketAllowsTheBurstThenPacesAtQPS() {
        var limiter = RateLimiter<Int>(configuration: .init(qps: 10, burst: 100))
        for _ in 0..<100 { let ok18 = (limiter.bucketDelay(now: t0) == .zero); #expect(ok18) }
        let ok19 = (limiter.bucketDelay(now: t0) == .milliseconds(100))
        #expect(ok19)
        let ok20 = (limiter.bucketDelay(now: t0) == .milliseconds(200))
        #expect(ok20)
        // 100 ms later one token came back, already reserved: the next waits 200 ms more.
        let ok21 = (limiter.bucketDelay(now: t0 + .milliseconds(100)) == .milliseconds(200))
        #expect(ok21)
        // After a quiet second the bucket has refilled past the reservations.
        let ok22 = (limiter.bucketDelay(now: t0 + .milliseconds(1100)) == .zero)
        #expect(ok22)
    }

    @Test func rateLimitedDelayIsTheLongerOfBackoffAndBucket() {
        var limiter = RateLimiter<Int>(configuration: .init(baseDelay: .milliseconds(5), qps: 10, burst: 1))
        #expect(limiter.when(1, now: t0) == .milliseconds(5))  // token available; backoff wins
        #expect(limiter.when(2, now: t0) == .milliseconds(100))  // bucket empty; bucket wins
    }

    @Test func addRateLimitedWaitsForTheBackoffThenBecomesReady() {
        var core = WorkQueueCore<String>()
        core.addRateLimited("a", now: t0)
        #expect(core.count == 0)
        #expect(core.waitingCount == 1)
        #expect(core.nextReadyAt == t0 + .milliseconds(5))
        let ok22 = (core.advance(now: t0 + .milliseconds(4)) == 0)
        #expect(ok22)
        let ok23 = (core.advance(now: t0 + .milliseconds(5)) == 1)
        #expect(ok23)
        let ok24 = (core.take(now: t0)?.key == "a")
        #expect(ok24)
        #expect(core.numRequeues("a") == 1)
        core.forget("a")
        #expect(core.numRequeues("a") == 0)
    }

    @Test func delayedAddsKeepTheEarliestTimeAndLeaveInOrder() {
        var core = WorkQueueCore<String>()
        core.add("a", after: .seconds(10), now: t0)
        core.add("b", after: .seconds(5), now: t0)
        core.add("a", after: .seconds(2), now: t0)   // moves a earlier
        core.add("b", after: .seconds(50), now: t0)  // later: ignored
        #expect(core.waitingCount == 2)
        let ok25 = (core.advance(now: t0 + .seconds(3)) == 1)
        #expect(ok25)
        let ok26 = (core.take(now: t0)?.key == "a")
        #expect(ok26)
        let ok27 = (core.advance(now: t0 + .seconds(10)) == 1)
        #expect(ok27)
        let ok28 = (core.take(now: t0)?.key == "b")
        #expect(ok28)
        #expect(core.waitingCount == 0)
    }

    @Test func aDelayedKeyAlreadyQueuedIsNotQueuedTwice() {
        var core = WorkQueueCore<String>()
        core.add("a", now: t0)
        core.add("a", after: .seconds(1), now: t0)
        core.advance(now: t0 + .seconds(1))
        #expect(core.count == 1)
    }

    @Test func shutDownDropsQueuedKeysAndRefusesNewOnes() {
        var core = WorkQueueCore<String>()
        core.add("a", now: t0)
        core.add("b", now: t0)
        _ = core.take(now: t0)
        core.shutDown()
        let ok29 = (core.take(now: t0) == nil)
        #expect(ok29)
        let ok30 = (!core.add("c", now: t0))
        #expect(ok30)
        #expect(core.processingCount == 1)
        let ok31 = (!core.done("a", now: t0))
        #expect(ok31)
        #expect(core.processingCount == 0)
    }
}
