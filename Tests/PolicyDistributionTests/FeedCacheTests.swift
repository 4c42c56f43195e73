import Foundation
import KubeClient
import KubeModel
import KubeTesting
import Logging
import PolicyDistribution
import PolicyEngine
import Testing

/// Collects a cache's change events as they come.
private final class ChangeRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [FeedIdentity] = []
    private var consumed = 0
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<FeedIdentity>) {
        task = Task { [weak self] in
            for await event in stream { self?.lock.withLock { self?.events.append(event) } }
        }
    }

    deinit { task?.cancel() }

    /// The next event not yet taken, or nil when none arrives within `limit` (a guard against a
    /// hang, not a measurement).
    func next(within limit: Duration = .seconds(10)) async -> FeedIdentity? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let event: FeedIdentity? = lock.withLock {
                guard consumed < events.count else { return nil }
                consumed += 1
                return events[consumed - 1]
            }
            if let event { return event }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

private let feedTestLogger = Logger(label: "threat-feeds-test", factory: { _ in SwiftLogNoOpLogHandler() })

private func feed(_ name: String, url: String, format: PolicyDocument.Feed.Format = .plain, interval: String? = nil) -> PolicyDocument.Feed {
    PolicyDocument.Feed(name: name, url: url, format: format, refreshInterval: interval)
}

@Suite struct FeedCacheTests {
    private func makeCache(_ clock: FeedTestClock, configMaps: (any ConfigMapFeedReading)? = nil) -> ThreatFeedCache {
        ThreatFeedCache(fetcher: FeedFetcher(allowsLoopbackHTTP: true, timeout: .seconds(10)), configMaps: configMaps,
                        now: { clock.now }, logger: feedTestLogger)
    }

    @Test func resolveMergesFeedsOfEveryFormatFromALocalServer() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/plain.txt", body: "# list\n192.0.2.1\n10.0.0.0/8\n")
        server.set("/level1.netset", body: "#\n# firehol\n#\n10.0.0.0/8\n2001:db8::/32\n")
        server.set("/drop.json", body: "{\"cidr\":\"198.51.100.0/24\",\"sblid\":\"SBL1\"}\n{\"type\":\"metadata\",\"records\":1}\n")
        let cache = makeCache(FeedTestClock())
        let resolution = await cache.resolve([
            feed("plain", url: server.url("/plain.txt")),
            feed("firehol", url: server.url("/level1.netset"), format: .netset),
            feed("drop", url: server.url("/drop.json"), format: .spamhausDropJSON),
        ], namespace: "default")
        #expect(resolution.problems == [])
        #expect(resolution.denyCIDRs == ["10.0.0.0/8", "192.0.2.1/32", "198.51.100.0/24", "2001:db8::/32"])
    }

    @Test func aFeedLargerThanTheLimitIsRefusedWithoutBeingHeld() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/huge", body: String(repeating: "192.0.2.1\n", count: 2_000))
        let fetcher = FeedFetcher(allowsLoopbackHTTP: true, timeout: .seconds(10), maximumBytes: 4_096)
        do {
            _ = try await fetcher.fetch(url: server.url("/huge"), validators: nil)
            Issue.record("a feed over the limit was accepted")
        } catch {
            #expect(error.description == "\(server.url("/huge")): the feed is larger than 4096 bytes")
            #expect(error.shortDescription == "too large")
        }
        server.set("/small", body: "192.0.2.1\n10.0.0.0/8\n")
        guard case .modified(let body) = try await fetcher.fetch(url: server.url("/small"), validators: nil).content else {
            Issue.record("not fetched")
            return
        }
        #expect(String(decoding: body, as: UTF8.self) == "192.0.2.1\n10.0.0.0/8\n")
    }

    @Test func garbageLinesAreSkippedAndReportedWithTheirLines() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/list", body: "192.0.2.1\nbogus\n10.0.0.0/8\n")
        let cache = makeCache(FeedTestClock())
        let resolution = await cache.resolve([feed("mixed", url: server.url("/list"))], namespace: "default")
        #expect(resolution.denyCIDRs == ["10.0.0.0/8", "192.0.2.1/32"])
        #expect(resolution.problems.count == 1)
        #expect(resolution.problems.first?.feed == "mixed")
        #expect(resolution.problems.first?.message.contains("1 line skipped: line 2 \"bogus\"") == true)
    }

    @Test func refreshSendsTheETagAndA304KeepsTheContentWithoutAChangeEvent() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/a", body: "192.0.2.1\n")
        server.set("/b", body: "192.0.2.2\n")
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        let changes = ChangeRecorder(cache.contentChanges())
        _ = await cache.resolve([feed("a", url: server.url("/a")), feed("b", url: server.url("/b"))], namespace: "default")
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        let conditional = server.requests.filter { $0.path == "/a" }
        #expect(conditional.count == 2)
        #expect(conditional[0].ifNoneMatch == nil)
        #expect(conditional[1].ifNoneMatch == FeedServer.etag("192.0.2.1\n"))
        #expect(conditional[1].ifModifiedSince == "Wed, 21 Oct 2026 07:28:00 GMT")
        #expect(conditional[1].status == 304)
        let kept = await cache.resolve([feed("a", url: server.url("/a"))], namespace: "default")
        #expect(kept.denyCIDRs == ["192.0.2.1/32"])
        #expect(kept.problems == [])

        // Only /b changes now: the first event must be /b's, so the 304 above raised none.
        server.set("/b", body: "192.0.2.3\n")
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        #expect(await changes.next() == .url(server.url("/b")))
    }

    @Test func aFeedNoPolicyNamesIsForgottenAndNoLongerFetched() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/kept", body: "192.0.2.1\n")
        server.set("/dropped", body: "192.0.2.2\n")
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        _ = await cache.resolve([feed("kept", url: server.url("/kept")), feed("dropped", url: server.url("/dropped"))], namespace: "default")

        // Just resolved: a policy naming it may be newer than the caller's list, so it stays.
        await cache.retainOnly([.url(server.url("/kept"))])
        #expect(await cache.identities == [.url(server.url("/kept")), .url(server.url("/dropped"))])

        clock.advance(.seconds(61))
        await cache.retainOnly([.url(server.url("/kept"))])
        #expect(await cache.identities == [.url(server.url("/kept"))])
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        #expect(server.requests.filter { $0.path == "/kept" }.count == 2)
        #expect(server.requests.filter { $0.path == "/dropped" }.count == 1, "a forgotten feed is not fetched again")

        // Named again later: loaded afresh.
        let again = await cache.resolve([feed("dropped", url: server.url("/dropped"))], namespace: "default")
        #expect(again.denyCIDRs == ["192.0.2.2/32"])
        #expect(server.requests.filter { $0.path == "/dropped" }.count == 2)
    }

    @Test func unchangedContentRaisesNoEventAndChangedContentRaisesExactlyOne() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/a", body: "192.0.2.1\n10.0.0.0/8\n")
        server.set("/b", body: "192.0.2.2\n")
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        let changes = ChangeRecorder(cache.contentChanges())
        let feeds = [feed("a", url: server.url("/a")), feed("b", url: server.url("/b"))]
        _ = await cache.resolve(feeds, namespace: "default")

        // Same entries, another order and another comment: a new ETag and a 200, but no change.
        server.set("/a", body: "# reordered\n10.0.0.0/8\n192.0.2.1\n")
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        #expect(server.requests.filter { $0.path == "/a" }.last?.status == 200)

        server.set("/a", body: "10.0.0.0/8\n")
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        server.set("/b", body: "192.0.2.9\n")
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        #expect(await changes.next() == .url(server.url("/a")))
        #expect(await changes.next() == .url(server.url("/b")))
        #expect(await cache.resolve(feeds, namespace: "default").denyCIDRs == ["10.0.0.0/8", "192.0.2.9/32"])
    }

    @Test func aFailingFeedKeepsItsLastGoodContentAndReportsTheProblem() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/a", body: "192.0.2.1\n")
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        let feeds = [feed("a", url: server.url("/a"))]
        _ = await cache.resolve(feeds, namespace: "default")

        server.update("/a") { $0.status = 503; $0.retryAfter = "900" }
        clock.advance(.seconds(3601))
        await cache.refreshDue()
        let failing = await cache.resolve(feeds, namespace: "default")
        #expect(failing.denyCIDRs == ["192.0.2.1/32"])
        #expect(failing.problems.count == 1)
        #expect(failing.problems.first?.message.contains("the server answered HTTP 503") == true)
        #expect(failing.problems.first?.message.contains("keeping the last good content (1 blocks)") == true)
        // Retry-After 900 s holds the retry back beyond the 5-minute failure retry.
        let retryAt = await cache.nextRefresh(of: .url(server.url("/a")))
        #expect(retryAt == clock.now + .seconds(900))

        // An error page served with 200 is not content either.
        server.set("/a", body: "<html>\n<h1>maintenance</h1>\n</html>\n")
        clock.advance(.seconds(901))
        await cache.refreshDue()
        let page = await cache.resolve(feeds, namespace: "default")
        #expect(page.denyCIDRs == ["192.0.2.1/32"])
        #expect(page.problems.first?.message.contains("no valid entry") == true)

        server.set("/a", body: "192.0.2.1\n")
        clock.advance(.seconds(301))
        await cache.refreshDue()
        #expect(await cache.resolve(feeds, namespace: "default") == FeedResolution(denyCIDRs: ["192.0.2.1/32"]))
    }

    @Test func aFeedThatNeverLoadedContributesNothingAndRaisesAnEventWhenItFirstLoads() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        let changes = ChangeRecorder(cache.contentChanges())
        let feeds = [feed("late", url: server.url("/late"), interval: "10m")]
        let missing = await cache.resolve(feeds, namespace: "default")
        #expect(missing.denyCIDRs == [])
        #expect(missing.problems.first?.message.contains("HTTP 404") == true)
        #expect(missing.problems.first?.message.contains("never loaded") == true)
        server.set("/late", body: "192.0.2.5\n")
        clock.advance(.seconds(301))
        await cache.refreshDue()
        #expect(await changes.next() == .url(server.url("/late")))
        #expect(await cache.resolve(feeds, namespace: "default").denyCIDRs == ["192.0.2.5/32"])
    }

    @Test func theServersMaxAgeAndTheOneMinuteFloorBoundTheRefreshInterval() async throws {
        let server = try await FeedServer.start()
        defer { Task { await server.stop() } }
        server.set("/cached", FeedServer.Served(body: "192.0.2.1\n", cacheControl: "public, max-age=7200"))
        server.set("/eager", body: "192.0.2.2\n")
        let clock = FeedTestClock()
        let cache = makeCache(clock)
        _ = await cache.resolve([feed("cached", url: server.url("/cached"), interval: "5m"),
                                 feed("eager", url: server.url("/eager"), interval: "10s")], namespace: "default")
        #expect(await cache.nextRefresh(of: .url(server.url("/cached"))) == clock.now + .seconds(7200))
        #expect(await cache.nextRefresh(of: .url(server.url("/eager"))) == clock.now + .seconds(60))
        // A forced refresh does not go below the floor or the server's max-age either.
        await cache.refresh(.url(server.url("/eager")))
        clock.advance(.seconds(3600))
        await cache.refresh(.url(server.url("/cached")))
        #expect(server.requests.count == 2)
        clock.advance(.seconds(-3600))
        clock.advance(.seconds(59))
        await cache.refreshDue()
        #expect(server.requests.count == 2)
        clock.advance(.seconds(1))
        await cache.refreshDue()
        #expect(server.requests.map(\.path) == ["/cached", "/eager", "/eager"])
    }

    @Test func onlyHTTPSIsFetchedExceptLoopbackHTTPWhenEnabled() async throws {
        let strict = FeedFetcher()
        #expect(throws: FeedError.insecureURL("http://127.0.0.1:1/feed")) { try strict.check(url: "http://127.0.0.1:1/feed") }
        let lenient = FeedFetcher(allowsLoopbackHTTP: true)
        #expect(throws: FeedError.insecureURL("http://localhost:1/feed")) { try lenient.check(url: "http://localhost:1/feed") }
        #expect(throws: FeedError.insecureURL("ftp://127.0.0.1/feed")) { try lenient.check(url: "ftp://127.0.0.1/feed") }
        #expect(throws: FeedError.invalidURL("not a url")) { try lenient.check(url: "not a url") }
        try lenient.check(url: "http://127.0.0.1:1/feed")
        try strict.check(url: "https://feeds.example/drop.json")

        let cache = ThreatFeedCache(configMaps: nil, logger: feedTestLogger)
        let resolution = await cache.resolve([feed("insecure", url: "http://127.0.0.1:1/feed")], namespace: "default")
        #expect(resolution.problems == [FeedProblem(feed: "insecure", message: "http://127.0.0.1:1/feed: only https URLs are fetched; the feed has never loaded")])
    }

    @Test func configMapFeedsAreReadThroughTheKubernetesAPI() async throws {
        let server = try await FakeAPIServer.start()
        defer { Task { await server.shutdown() } }
        server.registerBuiltins()
        let client = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL), retryPolicy: .none)
        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "feeds", namespace: "security"),
                                              data: ["blocked.txt": "192.0.2.0/24\n# note\n2001:db8::1\n"]))
        let clock = FeedTestClock()
        let cache = ThreatFeedCache(configMaps: KubernetesConfigMapReader(client: client), now: { clock.now }, logger: feedTestLogger)
        let changes = ChangeRecorder(cache.contentChanges())
        let feeds = [
            PolicyDocument.Feed(name: "local", configMapRef: .init(name: "feeds", key: "blocked.txt")),
            PolicyDocument.Feed(name: "absent", configMapRef: .init(name: "feeds", key: "other.txt")),
            PolicyDocument.Feed(name: "nowhere", configMapRef: .init(name: "missing", key: "x")),
        ]
        let resolution = await cache.resolve(feeds, namespace: "security")
        #expect(resolution.denyCIDRs == ["192.0.2.0/24", "2001:db8::1/128"])
        #expect(resolution.problems.map(\.feed) == ["absent", "nowhere"])
        #expect(resolution.problems[0].message.contains("has no key other.txt"))
        #expect(resolution.problems[1].message.contains("ConfigMap security/missing does not exist"))

        _ = try await client.create(ConfigMap(metadata: ObjectMeta(name: "binary", namespace: "security"),
                                              binaryData: ["drop.json": Data(#"{"cidr":"203.0.113.0/24"}"#.utf8).base64EncodedString()]))
        let binary = await cache.resolve([PolicyDocument.Feed(name: "bin", configMapRef: .init(name: "binary", key: "drop.json"),
                                                              format: .spamhausDropJSON)], namespace: "security")
        #expect(binary == FeedResolution(denyCIDRs: ["203.0.113.0/24"]))

        _ = try await client.update(ConfigMap(metadata: try await client.get(ConfigMap.self, name: "feeds", namespace: "security").metadata,
                                              data: ["blocked.txt": "198.51.100.0/24\n"]))
        await cache.refresh(.configMap(namespace: "security", name: "feeds", key: "blocked.txt"))
        #expect(await changes.next() == .configMap(namespace: "security", name: "feeds", key: "blocked.txt"))
        #expect(await cache.resolve(Array(feeds.prefix(1)), namespace: "security").denyCIDRs == ["198.51.100.0/24"])
    }

    @Test func aClosureCanStandInForTheKubernetesAPI() async throws {
        let cache = ThreatFeedCache(configMaps: ClosureConfigMapReader { namespace, name, key throws(FeedError) in
            guard namespace == "team-a", name == "lists", key == "deny" else {
                throw .notFound("configmap \(namespace)/\(name) key \(key)", "no such ConfigMap")
            }
            return Data("192.0.2.0/25\n192.0.2.128/25\n".utf8)
        }, logger: feedTestLogger)
        let resolution = await cache.resolve([PolicyDocument.Feed(name: "lists", configMapRef: .init(name: "lists", key: "deny"))],
                                             namespace: "team-a")
        #expect(resolution == FeedResolution(denyCIDRs: ["192.0.2.0/25", "192.0.2.128/25"]))
        let other = await cache.resolve([PolicyDocument.Feed(name: "lists", configMapRef: .init(name: "lists", key: "deny"))],
                                        namespace: "team-b")
        #expect(other.problems == [FeedProblem(feed: "lists", message: "configmap team-b/lists key deny: no such ConfigMap; the feed has never loaded")])
    }
}
