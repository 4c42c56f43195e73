/// How a `Reflector` lists and watches.
public struct ReflectorConfiguration: Sendable {
    /// The namespace to watch; nil watches every namespace (and is required for cluster-scoped kinds).
    public var namespace: String?
    /// Only objects matching this label selector.
    public var labelSelector: String?
    /// Only objects matching this field selector.
    public var fieldSelector: String?
    /// The page size of the list.
    public var pageSize: Int
    /// The range the server-side watch timeout is drawn from for each watch (client-go draws
    /// from 5–10 minutes, so that many clients do not reconnect together).
    public var watchTimeout: ClosedRange<Duration>
    /// The client-side idle deadline: a watch on which no byte arrived for this long is treated
    /// as dead and re-established from the last resourceVersion. Five minutes by default: the API
    /// server sends a bookmark to watchers that ask for them about once a minute, so five silent
    /// minutes mean a broken connection (a false alarm on a very quiet server costs one re-watch).
    public var idleTimeout: Duration?
    /// The backoff between failed attempts.
    public var backoff: WatchBackoff
    /// A watch that ends sooner than this without delivering an event counts as a failure (backed
    /// off), so a server that closes watches at once is not hammered.
    public var minimumWatchDuration: Duration
    /// The clock backoff sleeps on.
    public var clock: RuntimeClock
    /// The randomness behind the jitter of timeouts and backoff.
    public var jitter: JitterSource

    /// The defaults described on each property.
    public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
                watchTimeout: ClosedRange<Duration> = .seconds(300) ... .seconds(600), idleTimeout: Duration? = .seconds(300),
                backoff: WatchBackoff = WatchBackoff(), minimumWatchDuration: Duration = .seconds(1),
                clock: RuntimeClock = .continuous, jitter: JitterSource = .system) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
        self.watchTimeout = watchTimeout
        self.idleTimeout = idleTimeout
        self.backoff = backoff
        self.minimumWatchDuration = minimumWatchDuration
        self.clock = clock
        self.jitter = jitter
    }

    /// A server-side watch timeout in whole seconds, drawn from `watchTimeout`.
    func drawWatchTimeoutSeconds() -> Int {
        let low = watchTimeout.lowerBound.seconds, high = watchTimeout.upperBound.seconds
        return max(1, Int((low + (high - low) * jitter.next()).rounded()))
    }
}
