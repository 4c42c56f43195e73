import ControllerRuntime
import KubeClient
import KubeTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct ReflectorTests {
    func configMapReflector(_ cluster: TestCluster, backoff: WatchBackoff = WatchBackoff(initial: .milliseconds(50), jitter: 0))
        -> Reflector<ConfigMap> {
        Reflector(client: cluster.client, resource: WatchedResource(ConfigMap.self),
                  configuration: ReflectorConfiguration(pageSize: 2, backoff: backoff, minimumWatchDuration: .zero))
    }

    static func describe(_ map: ConfigMap) -> String { "\(map.name)=\(map.data?["v"] ?? "")" }

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
            await eventually("the watched addition") { reflector.store.get(namespace: "default", name: "d") != nil }
            #expect(log.all.sorted() == ["added a=1", "added b=1", "added c=1", "added d=1"])
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
            await eventually("the update") { reflector.store.get(namespace: "default", name: "a")?.data?["v"] == "2" }
            #expect(log.all == ["added a=1", "updated a=2"])
            #expect(cluster.listRequests(TestCluster.configMaps).count == 1)  // resumed, not relisted
            #expect(cluster.watchRequests.count >= 2)
        }
    }

    @Test func compactedHistoryRelistsAndReportsEveryChangeOfTheGap() async throws {
        try await TestCluster.with { cluster in
            for name in ["keep", "change", "gone"] { try cluster.seedConfigMap(name, data: ["v": "1"]) }
            let reflector = configMapReflector(cluster, backoff: WatchBackoff(initial: .seconds(1), jitter: 0))
            let log = EventLog<ConfigMap>(describe: Self.describe)
            reflector.addHandler(log.handler)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await reflector.waitForSync()
            await eventually("a watch") { cluster.server.activeWatchCount == 1 }

            // The next watch fails, so the reflector backs off for a second; meanwhile things
            // change and the history is compacted, so its resumed watch gets 410.
            cluster.server.injectFailures(count: 1, status: 500) { $0.query["watch"] == "true" }
            cluster.server.closeAllWatches()
            await eventually("the failed re-watch") { cluster.watchRequests.count == 2 }
            try cluster.server.modify(TestCluster.configMaps, namespace: "default", name: "change") { $0["data"] = ["v": "2"] }
            try cluster.server.remove(TestCluster.configMaps, namespace: "default", name: "gone")
            try cluster.seedConfigMap("new", data: ["v": "1"])
            cluster.server.compactHistory()

            await eventually("the relist") { cluster.listRequests(TestCluster.configMaps).count == 2 }
            await eventually("the gap's changes") { log.all.count == 6 }
            #expect(Array(log.all.dropFirst(3)).sorted() == ["added new=1", "deleted gone=1", "updated change=2"])
            #expect(reflector.store.keys().map(\.name).sorted() == ["change", "keep", "new"])
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
            cluster.server.injectFailures(count: 2, status: 403) { $0.query["watch"] == nil }
            let reflector = configMapReflector(cluster)
            let run = Task { await reflector.run() }
            defer { run.cancel() }
            await eventually("a recorded failure") { reflector.lastError != nil }
            #expect(!reflector.hasSynced)
            await reflector.waitForSync()
            #expect(reflector.store.count == 1)
        }
    }
}
