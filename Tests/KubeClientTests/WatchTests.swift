import Foundation
import KubeClient
import KubeTesting
import Testing

@Suite struct WatchTests {
    @Test func watchFromAResourceVersionSeesLaterEventsAndBookmarks() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        server.setBookmarkInterval(.milliseconds(100))
        let list = try await client.list(ConfigMap.self, namespace: "default")
        let stream = try await client.watch(ConfigMap.self, namespace: "default",
                                            options: WatchOptions(resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 5))
        _ = try await client.create(configMap("w1"))
        var changed = try await client.get(ConfigMap.self, name: "w1", namespace: "default")
        changed.data = ["k": "changed"]
        _ = try await client.update(changed)
        try await client.delete(ConfigMap.self, name: "w1", namespace: "default")

        var kinds: [String] = []
        var sawBookmark = false
        for try await event in stream {
            switch event {
            case .added(let object): kinds.append("ADDED \(object.name)")
            case .modified(let object): kinds.append("MODIFIED \(object.data?["k"] ?? "")")
            case .deleted(let object): kinds.append("DELETED \(object.name)")
            case .bookmark(let version): sawBookmark = !version.isEmpty
            case .error(let status): Issue.record("unexpected error event \(status)")
            }
            if kinds.count == 3 && sawBookmark { break }
        }
        #expect(kinds == ["ADDED w1", "MODIFIED changed", "DELETED w1"])
        #expect(sawBookmark)
    }

    @Test func watchWithoutAResourceVersionStartsWithTheCurrentObjects() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("existing"))
        let stream = try await client.watch(ConfigMap.self, namespace: "default", options: WatchOptions(timeoutSeconds: 2))
        var iterator = stream.makeAsyncIterator()
        guard case .added(let object)? = try await iterator.next() else {
            Issue.record("expected a synthetic ADDED")
            return
        }
        #expect(object.name == "existing")
    }

    @Test func tooOldResourceVersionThrowsGone() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let first = try await client.create(configMap("old"))
        _ = try await client.create(configMap("newer"))
        server.compactHistory()
        let stream = try await client.watch(ConfigMap.self, namespace: "default",
                                            options: WatchOptions(resourceVersion: first.metadata.resourceVersion, timeoutSeconds: 5))
        do {
            for try await _ in stream {}
            Issue.record("expected 410 Gone")
        } catch let error as KubernetesError {
            #expect(error.isGone)
            #expect(error.code == 410)
        }
    }

    @Test func droppedConnectionResumesFromTheLastVersionWithoutLosingEvents() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let list = try await client.list(ConfigMap.self, namespace: "default")
        var version = list.metadata.resourceVersion
        var seen: [String] = []
        var drops = 0
        while seen.count < 6 {
            let stream = try await client.watch(ConfigMap.self, namespace: "default",
                                                options: WatchOptions(resourceVersion: version, timeoutSeconds: 10))
            let round = drops
            let writer = Task {
                for index in 0..<3 {
                    _ = try await client.create(configMap("drop-\(round)-\(index)"))
                }
                server.closeAllWatches()
            }
            for try await event in stream {
                if case .added(let object) = event {
                    seen.append(object.name)
                    version = object.metadata.resourceVersion
                } else if case .bookmark(let rv) = event {
                    version = rv
                }
            }
            try await writer.value
            drops += 1
        }
        // Events written around the drop arrive on the next watch, once each.
        #expect(Set(seen) == Set((0..<2).flatMap { drop in (0..<3).map { "drop-\(drop)-\($0)" } }))
        #expect(seen.count == 6)
    }

    @Test func aLineThatIsNotJSONEndsTheWatchWithAnError() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        server.injectWatchGarbage("this is not json")
        let stream = try await client.watch(ConfigMap.self, namespace: "default", options: WatchOptions(timeoutSeconds: 5))
        await #expect(throws: KubernetesDecodingError.self) {
            for try await _ in stream {}
        }
    }
}
