import Foundation
import Logging
import PolicyEngine

/// The operator's threat-feed cache: loads each feed a policy names (a ConfigMap key or an https
/// URL), keeps its last good blocks, refreshes it on its schedule, and says when content changed.
///
/// - A feed is loaded the first time `resolve` sees it; later `resolve` calls answer from memory.
/// - `run()` refreshes every feed when due: after its `refreshInterval` (default one hour), never
///   sooner than one minute nor sooner than the server allows (`Cache-Control: max-age`,
///   `Retry-After`). URL fetches are conditional (ETag / If-Modified-Since); a `304` keeps the
///   content.
/// - A fetch or read that fails, or content with no valid entry at all, keeps the last good
///   content and is reported as a `FeedProblem` until a refresh succeeds; the retry comes after
///   at most five minutes (or the interval, if shorter), never before the server's `Retry-After`.
///   Garbage lines in otherwise good content are skipped and also reported, with line numbers.
/// - `retainOnly(_:)` forgets the feeds no policy names any more (not resolved within the last
///   `minimumIntervalSeconds` either): they are no longer fetched and their content is dropped.
/// - `contentChanges()` yields a feed's identity only when a refresh changed its parsed blocks (a
///   `304`, or a `200` with the same entries in another order, yields nothing).
///
/// The same source named with two formats is two feeds; the same source and format named by
/// several policies is fetched once, at the shortest interval any of them asks for.
public actor ThreatFeedCache: ThreatFeedResolving {
    /// Scheduling limits.
    public struct Schedule: Sendable, Hashable {
        /// The interval of a feed that sets none. Default: 3600 s.
        public var defaultIntervalSeconds: Int
        /// No feed is refreshed more often than this. Default: 60 s.
        public var minimumIntervalSeconds: Int
        /// A failed load is retried after at most this long (subject to the minimum and the
        /// server's Retry-After). Default: 300 s.
        public var failureRetrySeconds: Int

        /// Scheduling limits with the documented defaults.
        public init(defaultIntervalSeconds: Int = 3600, minimumIntervalSeconds: Int = 60, failureRetrySeconds: Int = 300) {
            self.defaultIntervalSeconds = defaultIntervalSeconds
            self.minimumIntervalSeconds = minimumIntervalSeconds
            self.failureRetrySeconds = failureRetrySeconds
        }
    }

    struct FeedKey: Hashable, Sendable {
        var identity: FeedIdentity
        var format: PolicyDocument.Feed.Format
    }

    struct Entry: Sendable {
        var intervalSeconds: Int
        var blocks: [CIDR]?
        var validators: FeedValidators?
        var failure: String?
        var garbage: String?
        var nextRefresh: ContinuousClock.Instant
        var lastChecked: ContinuousClock.Instant?
        /// The last `resolve` that named the feed.
        var lastResolved: ContinuousClock.Instant
        /// No request before this: the one-minute floor and what the server asked for.
        var notBefore: ContinuousClock.Instant?
    }

    private let fetcher: FeedFetcher
    private let configMaps: (any ConfigMapFeedReading)?
    private let schedule: Schedule
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger
    private var entries: [FeedKey: Entry] = [:]
    private var inFlight: [FeedKey: Task<Void, Never>] = [:]
    private nonisolated let subscribers = FeedSubscribers()

    /// A cache fetching URLs with `fetcher` and reading ConfigMap feeds with `configMaps` (a
    /// ConfigMap feed without a reader is reported as a problem). `now` is injected for tests.
    public init(fetcher: FeedFetcher = FeedFetcher(), configMaps: (any ConfigMapFeedReading)?, schedule: Schedule = Schedule(),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
                logger: Logger = Logger(label: "threat-feeds")) {
        self.fetcher = fetcher
        self.configMaps = configMaps
        self.schedule = schedule
        self.now = now
        self.logger = logger
    }

    public func resolve(_ feeds: [PolicyDocument.Feed], namespace: String) async -> FeedResolution {
        var keys: [(name: String, key: FeedKey)] = []
        var problems: [FeedProblem] = []
        for feed in feeds {
            guard let identity = FeedIdentity(feed, namespace: namespace) else {
                problems.append(FeedProblem(feed: feed.name, message: FeedError.noSource(feed: feed.name).detail))
                continue
            }
            let key = FeedKey(identity: identity, format: feed.format ?? .plain)
            register(key, intervalSeconds: feed.refreshIntervalSeconds)
            keys.append((feed.name, key))
        }
        for (_, key) in keys where entries[key]?.lastChecked == nil {
            await load(key, notify: false)
        }
        var blocks: [CIDR] = []
        for (name, key) in keys {
            guard let entry = entries[key] else { continue }
            blocks += entry.blocks ?? []
            if let failure = entry.failure {
                let kept = entry.blocks.map { "; keeping the last good content (\($0.count) blocks)" } ?? "; the feed has never loaded"
                problems.append(FeedProblem(feed: name, message: failure + kept))
            } else if let garbage = entry.garbage {
                problems.append(FeedProblem(feed: name, message: "\(key.identity): \(garbage)"))
            }
        }
        return FeedResolution(denyCIDRs: FeedParser.normalize(blocks).map(\.description), problems: problems)
    }

    public nonisolated func contentChanges() -> AsyncStream<FeedIdentity> {
        subscribers.subscribe()
    }

    /// Refreshes feeds when due until the task is cancelled; wakes at least once a minute.
    public func run() async {
        while !Task.isCancelled {
            await refreshDue()
            let wake = entries.values.map(\.nextRefresh).min() ?? now() + .seconds(60)
            let delay = min(max(wake - now(), .seconds(1)), .seconds(60))
            try? await Task.sleep(for: delay)
        }
    }

    /// Refreshes every feed whose time has come (by the injected clock).
    public func refreshDue() async {
        let current = now()
        let due = entries.filter { $0.value.nextRefresh <= current }.map(\.key)
        for key in due { await load(key, notify: true) }
    }

    /// Refreshes the feeds of `identity` now (a ConfigMap the operator saw change); a URL feed is
    /// not fetched again within a minute of the last fetch nor before the server's `Retry-After`
    /// or `max-age` has passed.
    public func refresh(_ identity: FeedIdentity) async {
        for key in entries.keys where key.identity == identity {
            if case .url = identity, let notBefore = entries[key]?.notBefore, now() < notBefore { continue }
            await load(key, notify: true)
        }
    }

    public func retainOnly(_ inUse: Set<FeedIdentity>) {
        let recent = now() - .seconds(schedule.minimumIntervalSeconds)
        let unused = entries.filter { !inUse.contains($0.key.identity) && $0.value.lastResolved < recent }.map(\.key)
        for key in unused {
            entries[key] = nil
            logger.info("threat feed no longer named by any policy; no longer refreshed", metadata: ["feed": "\(key.identity)"])
        }
    }

    /// The feeds the cache holds (and refreshes).
    public var identities: Set<FeedIdentity> { Set(entries.keys.map(\.identity)) }

    /// When the feed of `identity` (any format) is next refreshed; nil when unknown.
    public func nextRefresh(of identity: FeedIdentity) -> ContinuousClock.Instant? {
        entries.filter { $0.key.identity == identity }.map(\.value.nextRefresh).min()
    }

    private func register(_ key: FeedKey, intervalSeconds: Int?) {
        let interval = max(intervalSeconds ?? schedule.defaultIntervalSeconds, schedule.minimumIntervalSeconds)
        let current = now()
        if var entry = entries[key] {
            entry.lastResolved = current
            if interval < entry.intervalSeconds {
                entry.intervalSeconds = interval
                if let last = entry.lastChecked, entry.failure == nil {
                    entry.nextRefresh = min(entry.nextRefresh, last + .seconds(interval))
                }
            }
            entries[key] = entry
        } else {
            entries[key] = Entry(intervalSeconds: interval, nextRefresh: current, lastResolved: current)
        }
    }

    /// Loads `key` once even when several callers ask at the same time.
    private func load(_ key: FeedKey, notify: Bool) async {
        if let running = inFlight[key] {
            await running.value
            return
        }
        let task = Task { await self.performLoad(key, notify: notify) }
        inFlight[key] = task
        await task.value
        inFlight[key] = nil
    }

    private func performLoad(_ key: FeedKey, notify: Bool) async {
        guard let validators = entries[key].map({ $0.validators }) else { return }
        let outcome: Result<(content: FeedFetchResult.Content, validators: FeedValidators?, minimum: Int?), FeedError>
        switch key.identity {
        case .url(let url):
            do throws(FeedError) {
                let result = try await fetcher.fetch(url: url, validators: entries[key]?.blocks == nil ? nil : validators)
                outcome = .success((result.content, result.validators, result.minimumIntervalSeconds))
            } catch {
                outcome = .failure(error)
            }
        case .configMap(let namespace, let name, let configKey):
            if let configMaps {
                do throws(FeedError) {
                    outcome = .success((.modified(try await configMaps.value(namespace: namespace, name: name, key: configKey)), nil, nil))
                } catch {
                    outcome = .failure(error)
                }
            } else {
                outcome = .failure(.notFound(key.identity.description, "ConfigMap feeds cannot be read here"))
            }
        }
        // Actor re-entrancy: the entry may have been touched while fetching; read it afresh.
        guard var entry = entries[key] else { return }
        let checked = now()
        entry.lastChecked = checked
        var changed = false
        switch outcome {
        case .success(let answer):
            if case .modified(let body) = answer.content {
                let parsed = FeedParser.parse(body, format: key.format)
                if parsed.isUnusable {
                    entry.failure = FeedError.unusable(key.identity.description,
                                                       "no valid entry (\(parsed.garbageSummary ?? "empty"))").description
                    entry.nextRefresh = checked + .seconds(failureDelay(entry, retryAfter: answer.minimum))
                    entry.notBefore = checked + .seconds(max(schedule.minimumIntervalSeconds, answer.minimum ?? 0))
                    logger.warning("threat feed unusable", metadata: ["feed": "\(key.identity)", "reason": "\(entry.failure ?? "")"])
                    entries[key] = entry
                    return
                }
                // A feed that had no content yet counts as changed: policies rendered without it
                // (and with a problem reported) need rendering again.
                changed = entry.blocks != parsed.blocks
                entry.blocks = parsed.blocks
                entry.garbage = parsed.garbageSummary.map { "kept \(parsed.blocks.count) blocks; \($0)" }
                entry.validators = answer.validators
            } else if let validators = answer.validators {
                entry.validators = validators
            }
            entry.failure = nil
            entry.nextRefresh = checked + .seconds(max(entry.intervalSeconds, schedule.minimumIntervalSeconds, answer.minimum ?? 0))
            entry.notBefore = checked + .seconds(max(schedule.minimumIntervalSeconds, answer.minimum ?? 0))
        case .failure(let error):
            entry.failure = error.description
            entry.nextRefresh = checked + .seconds(failureDelay(entry, retryAfter: error.retryAfterSeconds))
            entry.notBefore = checked + .seconds(max(schedule.minimumIntervalSeconds, error.retryAfterSeconds ?? 0))
            logger.warning("threat feed refresh failed", metadata: ["feed": "\(key.identity)", "error": "\(error)"])
        }
        entries[key] = entry
        if changed, notify {
            logger.info("threat feed changed", metadata: ["feed": "\(key.identity)", "blocks": "\(entry.blocks?.count ?? 0)"])
            subscribers.yield(key.identity)
        }
    }

    private func failureDelay(_ entry: Entry, retryAfter: Int?) -> Int {
        max(schedule.minimumIntervalSeconds, retryAfter ?? 0, min(entry.intervalSeconds, schedule.failureRetrySeconds))
    }
}

/// The continuations of `contentChanges()` streams, behind a lock so the nonisolated method can
/// add one.
final class FeedSubscribers: @unchecked Sendable {
    private let lock = NSLock()
    private var continuations: [Int: AsyncStream<FeedIdentity>.Continuation] = [:]
    private var next = 0

    func subscribe() -> AsyncStream<FeedIdentity> {
        let (stream, continuation) = AsyncStream<FeedIdentity>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let token = lock.withLock {
            next += 1
            continuations[next] = continuation
            return next
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.continuations.removeValue(forKey: token) }
        }
        return stream
    }

    func yield(_ identity: FeedIdentity) {
        let all = lock.withLock { Array(continuations.values) }
        for continuation in all { continuation.yield(identity) }
    }
}
