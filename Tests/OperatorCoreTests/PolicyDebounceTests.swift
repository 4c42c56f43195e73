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

    @Test func noChangeInASteadyStreamWaitsMoreThan250Milliseconds() {
        var core = DebounceCore<String>()
        let start = ContinuousClock.now
        var notes: [ContinuousClock.Instant] = []
        var fires: [ContinuousClock.Instant] = []
        var wake: ContinuousClock.Instant?
        var nextNote = start
        // A change every 20 ms for 600 ms; wakes and changes handled in time order.
        while nextNote <= start + .milliseconds(600) || wake != nil {
            if let at = wake, at < nextNote || nextNote > start + .milliseconds(600) {
                wake = nil
                switch core.wake("p", now: at) {
                case .fire(let next):
                    fires.append(at)
                    wake = next
                case .wake(let next): wake = next
                case .none: break
                }
            } else {
                notes.append(nextNote)
                if case .fire(let next) = core.note("p", now: nextNote) {
                    fires.append(nextNote)
                    wake = next
                }
                nextNote += .milliseconds(20)
            }
        }
        #expect(fires.count >= 3, "a 600 ms stream fires more than once: \(fires.map { start.duration(to: $0) })")
        for note in notes {
            let fired = fires.first { $0 >= note }
            #expect(fired.map { note.duration(to: $0) <= .milliseconds(250) } == true, "a change at \(start.duration(to: note))")
        }
        #expect(!core.isActive("p"), "the burst ends after the stream stops")
    }
}
