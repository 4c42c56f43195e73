/// How a `Controller` processes its queue.
public struct ControllerConfiguration: Sendable {
    /// How many keys are reconciled concurrently (never the same key twice at once).
    public var workers: Int
    /// The retry backoff and overall rate of requeues.
    public var rateLimiter: RateLimiter<ObjectKey>.Configuration
    /// Every object of the primary resource is re-enqueued this often (nil: never), so drift that
    /// produced no event is corrected. Ten minutes by default.
    public var resyncPeriod: Duration?
    /// Each resync period is lengthened by a random fraction up to this, so controllers and
    /// replicas do not resync together.
    public var resyncJitter: Double
    /// The clock the queue and resync use.
    public var clock: RuntimeClock
    /// The randomness behind the resync jitter.
    public var jitter: JitterSource

    /// The defaults described on each property; one worker.
    public init(workers: Int = 1, rateLimiter: RateLimiter<ObjectKey>.Configuration = .init(),
                resyncPeriod: Duration? = .seconds(600), resyncJitter: Double = 0.1,
                clock: RuntimeClock = .continuous, jitter: JitterSource = .system) {
        self.workers = max(1, workers)
        self.rateLimiter = rateLimiter
        self.resyncPeriod = resyncPeriod
        self.resyncJitter = resyncJitter
        self.clock = clock
        self.jitter = jitter
    }
}
