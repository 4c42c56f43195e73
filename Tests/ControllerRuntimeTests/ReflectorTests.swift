import ControllerRuntime
import Foundation
import KubeClient
import KubeTesting
import Testing
import TestPolling

@Suite(.timeLimit(.minutes(1))) struct ReflectorTests {
    func configMapReflector(_ cluster: TestCluster, backoff: WatchBackoff = WatchBackoff(initial: .milliseconds(50), jitter: 0))
        -> Reflector<ConfigMap> {
        Reflector(client: cluster.client, resource: WatchedResource(ConfigMap.self),
                  configuration: ReflectorConfiguration(pageSize: 2, backoff: backoff, minimumWatchDuration: .zero))
    }

    static func describe(_ map: ConfigMap) -> String { "\(map.name)=\(map.data?["v"] ?? "")" }

    /// Backoff for tests whose failures last as long as the test wants: short, and capped so the
    /// first attempt after the failures stop comes soon however many there were.
    static let cappedBackoff = WatchBackoff(initial: .milliseconds(50), maximum: .milliseconds(500), jitter: 0)

    /// Injected failures apply while this is on (from the start), so a test need not race the
    /// reflector's retries to observe the failing state.
    final class FailureSwitch: Sendable {
        private let lock = NSLock()
        nonisolated(unsafe) private var on = true
        var isOn: Bool { lock.withLock { on } }
        func turnOff() { lock.withLock { on = false } }
    }

    @Test func listsInPagesThenWatchesFromTheListsVersion() async throws {
        try await TestCluster.with { cluster in
            for name in ["a", "b", "c"] { try cluster.seedConfigMap(name, data: ["v": "1"]) }
            let reflector = configMapReflector(cluster)
            let log = EventLog<ConfigMap>(describe: Self.describe)
            reflector.addHandler(log.handler)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            #expect(reflector.store.count == 3)
            #expect(cluster.listRequests(TestCluster.configMaps).count == 2)  // two pages of two
            let listVersion = reflector.resourceVersion
            await eventually("a watch") { !cluster.watchRequests.isEmpty }
            #expect(cluster.watchRequests.first?.query["resourceVersion"] == listVersion)
            #expect(cluster.watchRequests.first?.query["allowWatchBookmarks"] == "true")
            let timeout = Int(cluster.watchRequests.first?.query["timeoutSeconds"] ?? "") ?? 0
            #expect((300...600).contains(timeout))

            try cluster.seedConfigMap("d", data: ["v": "1"])
            // The store is written before the handlers run: wait on what the handler saw.
            await eventually("the watched addition") { log.all.count >= 4 }
            #expect(log.all.sorted() == ["added a=1", "added b=1", "added c=1", "added d=1"])
            #expect(reflector.store.get(namespace: "default", name: "d") != nil)
        }
    }

    @Test func aDroppedWatchResumesFromTheLastVersionWithoutLosingAnUpdate() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedConfigMap("a", data: ["v": "1"])
            let reflector = configMapReflector(cluster)
            let log = EventLog<ConfigMap>(describe: Self.describe)
            reflector.addHandler(log.handler)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            await eventually("a watch") { cluster.server.activeWatchCount == 1 }

            cluster.server.closeAllWatches()
            try cluster.server.modify(TestCluster.configMaps, namespace: "default", name: "a") { $0["data"] = ["v": "2"] }
            // The store is written before the handlers run: wait on what the handler saw.
            await eventually("the update") { log.all.count >= 2 }
            #expect(log.all == ["added a=1", "updated a=2"])
            #expect(reflector.store.get(namespace: "default", name: "a")?.data?["v"] == "2")
            #expect(cluster.listRequests(TestCluster.configMaps).count == 1)  // resumed, not relisted
            #expect(cluster.watchRequests.count >= 2)
        }
    }

    @Test func compactedHistoryRelistsAndReportsEveryChangeOfTheGap() async throws {
        try await TestCluster.with { cluster in
            for name in ["keep", "change", "gone"] { try cluster.seedConfigMap(name, data: ["v": "1"]) }
            let reflector = configMapReflector(cluster, backoff: Self.cappedBackoff)
            let log = EventLog<ConfigMap>(describe: Self.describe)
            reflector.addHandler(log.handler)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            await eventually("a watch") { cluster.server.activeWatchCount == 1 }

            // Re-watches fail (and the reflector backs off) until the switch is turned off;
            // meanwhile things change and the history is compacted, so its resumed watch gets 410.
            let failing = FailureSwitch()
            cluster.server.injectFailures(count: 1_000_000, status: 500) { $0.query["watch"] == "true" && failing.isOn }
            cluster.server.closeAllWatches()
            await eventually("a failed re-watch") { cluster.watchRequests.count >= 2 }
            try cluster.server.modify(TestCluster.configMaps, namespace: "default", name: "change") { $0["data"] = ["v": "2"] }
            try cluster.server.remove(TestCluster.configMaps, namespace: "default", name: "gone")
            try cluster.seedConfigMap("new", data: ["v": "1"])
            cluster.server.compactHistory()
            failing.turnOff()

            // A list is its first page's request (pages of 2 follow with `continue`).
            let lists = { cluster.listRequests(TestCluster.configMaps).filter { $0.query["continue"] == nil }.count }
            await eventually("the relist") { lists() >= 2 }
            await eventually("the gap's changes") { log.all.count >= 6 }
            #expect(log.all.count == 6)
            #expect(Array(log.all.dropFirst(3)).sorted() == ["added new=1", "deleted gone=1", "updated change=2"])
            #expect(reflector.store.keys().map(\.name).sorted() == ["change", "keep", "new"])
            #expect(lists() == 2)  // one relist, for the 410
        }
    }

    @Test func anObjectThatDoesNotDecodeIsSkippedNotAStoppedCache() async throws {
        // ConfigMap data must be strings: an object with a number there does not decode (as an
        // object of a newer schema does not during an upgrade). Neither the list nor the watch
        // may stop at it.
        func strange(_ name: String) -> JSONValue {
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default"], "data": ["v": 5]]
        }
        try await TestCluster.with { cluster in
            try cluster.seedConfigMap("a", data: ["v": "1"])
            _ = cluster.server.seed(TestCluster.configMaps, strange("listed-strange"))
            let reflector = configMapReflector(cluster)
            let log = EventLog<ConfigMap>(describe: Self.describe)
            reflector.addHandler(log.handler)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            #expect(reflector.store.keys().map(\.name).sorted() == ["a"])
            #expect(reflector.lastError?.contains("listed-strange") == true, "\(reflector.lastError ?? "")")
            await eventually("a watch") { cluster.server.activeWatchCount == 1 }

            _ = try cluster.server.create(TestCluster.configMaps, strange("watched-strange"))
            try cluster.seedConfigMap("b", data: ["v": "1"])
            await eventually("the object after the strange one") { log.all.count >= 2 }
            #expect(log.all == ["added a=1", "added b=1"])
            #expect(reflector.lastError?.contains("watched-strange") == true, "\(reflector.lastError ?? "")")
        }
    }

    @Test func bookmarksAdvanceTheResumeVersion() async throws {
        try await TestCluster.with(options: .init(bookmarkInterval: .milliseconds(100))) { cluster in
            try cluster.seedConfigMap("a")
            let reflector = configMapReflector(cluster)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            let listed = reflector.resourceVersion
            // Changes to another kind move the server's version; only bookmarks tell this reflector.
            try cluster.seedWidget("w1")
            try cluster.seedWidget("w2")
            let target = cluster.server.currentResourceVersion
            #expect(listed != target)
            await eventually("a bookmark at the new version") { reflector.resourceVersion == target }
            cluster.server.closeAllWatches()
            await eventually("a re-watch") { cluster.watchRequests.count >= 2 }
            #expect(cluster.watchRequests.last?.query["resourceVersion"] == target)
        }
    }

    @Test func aFailingListIsRetriedAndTheStoreStaysUnsyncedMeanwhile() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedConfigMap("a")
            // Lists fail until the switch is turned off, however long the test takes to look.
            let failing = FailureSwitch()
            cluster.server.injectFailures(count: 1_000_000, status: 403) { $0.query["watch"] == nil && failing.isOn }
            let reflector = configMapReflector(cluster, backoff: Self.cappedBackoff)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            // A second list means the first failed and was recorded before the retry.
            await eventually("a retried list") { cluster.listRequests(TestCluster.configMaps).count >= 2 }
            #expect(reflector.lastError?.hasPrefix("list") == true, "\(reflector.lastError ?? "no error")")
            #expect(!reflector.hasSynced)
            #expect(reflector.store.count == 0)

            failing.turnOff()
            await eventually("the sync once lists succeed") { reflector.hasSynced }
            #expect(reflector.store.count == 1)
        }
    }
}
