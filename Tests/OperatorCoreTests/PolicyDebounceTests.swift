import OperatorCore
import Testing

struct PolicyDebounceTests {
    @Test func aSingleChangeFiresAtOnceAndABurstIsCoalesced() {
        var core = DebounceCore<String>()
        let start = ContinuousClock.now
        #expect(core.note("p", now: start) == .fire(wakeAt: start + .milliseconds(50)))
        #expect(core.note("p", now: start + .milliseconds(10)) == .none)
        #expect(core.note("p", now: start + .milliseconds(30)) == .none)
        // The wake at 50 ms finds the last change 20 ms old: wait for 50 ms of quiet after it.
        #expect(core.wake("p", now: start + .milliseconds(50)) == .wake(at: start + .milliseconds(80)))
        #expect(core.wake("p", now: start + .milliseconds(80)) == .fire(wakeAt: start + .milliseconds(130)))
        // Quiet since: the burst ends and the next change fires at once.
        #expect(core.wake("p", now: start + .milliseconds(130)) == .none)
        #expect(!core.isActive("p"))
        #expect(core.note("p", now: start + .milliseconds(200)) == .fire(wakeAt: start + .milliseconds(250)))
    }

    @Test func aSteadyStreamOfChangesFiresAtLeastEvery250Milliseconds() {
        var core = DebounceCore<String>()
        let start = ContinuousClock.now
        _ = core.note("p", now: start)
        var fired: [Duration] = []
        var wake = start + .milliseconds(50)
        var time = start
        while time < start + .milliseconds(600) {
            time += .milliseconds(20)
            _ = core.note("p", now: time)
            while wake <= time {
                switch core.wake("p", now: wake) {
                case .fire(let next):
                    fired.append(start.duration(to: wake))
                    wake = next
                case .wake(let next): wake = next
                case .none: wake = time + .seconds(10)
                }
            }
        }
        #expect(!fired.isEmpty)
        var previous = Duration.zero
        for at in fired {
            #expect(at - previous <= .milliseconds(270), "fired at \(fired)")
            previous = at
        }
    }
}
