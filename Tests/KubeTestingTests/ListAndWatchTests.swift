import Foundation
import KubeClient
import Testing
@testable import KubeTesting

@Suite struct ListTests {
    let context = WriteContext(fieldManager: "test")

    func names(_ list: JSONValue) -> [String] {
        (list["items"]?.arrayValue ?? []).map { "\($0.metadataNamespace)/\($0.metadataName)" }
    }

    @Test func listsComeInKeyOrderAndFilterBySelectors() throws {
        var core = Fixture.core()
        for (namespace, name, tier) in [("b", "x", "web"), ("a", "z", "db"), ("a", "y", "web")] {
            _ = try core.create(Fixture.configMaps, namespace: namespace,
                                body: Fixture.configMap(name, namespace: namespace, labels: ["tier": tier]), context: context)
        }
        let all = try core.list(Fixture.configMaps, namespace: nil, options: ListOptions())
        #expect(names(all) == ["a/y", "a/z", "b/x"])
        #expect(all["kind"] == "ConfigMapList")
        #expect(all["apiVersion"] == "v1")
        #expect(all["metadata"] == ["resourceVersion": .string(String(core.resourceVersion))])
        // Built-in list items carry no apiVersion/kind, as from the real server.
        #expect(all["items"]?.arrayValue?.first?["kind"] == nil)

        var options = ListOptions()
        options.labelSelector = try LabelSelector(parsing: "tier=web")
        #expect(names(try core.list(Fixture.configMaps, namespace: nil, options: options)) == ["a/y", "b/x"])
        #expect(names(try core.list(Fixture.configMaps, namespace: "a", options: options)) == ["a/y"])
        options.fieldSelector = try FieldSelector(parsing: "metadata.namespace=b", supportedFields: [])
        #expect(names(try core.list(Fixture.configMaps, namespace: nil, options: options)) == ["b/x"])
    }

    @Test func pagingReadsAConsistentSnapshot() throws {
        var core = Fixture.core()
        for name in ["a", "b", "c", "d", "e"] {
            _ = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer(name), context: context)
        }
        var options = ListOptions()
        options.limit = 2
        let first = try core.list(Fixture.mcpServers, namespace: "default", options: options)
        #expect(names(first) == ["default/a", "default/b"])
        #expect(first["metadata"]?["remainingItemCount"] == 3)
        #expect(first["items"]?.arrayValue?.first?["kind"] == "MCPServer")
        let listVersion = first["metadata"]?["resourceVersion"]

        // Changes after the first page do not show in later pages.
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "c", options: DeleteOptions())
        _ = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("bb"), context: context)
        _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "d", patchType: .merge,
                           body: Fixture.json(["spec": ["image": "new"]]), status: false, context: context)

        options.continueToken = first["metadata"]?["continue"]?.stringValue
        let second = try core.list(Fixture.mcpServers, namespace: "default", options: options)
        #expect(names(second) == ["default/c", "default/d"])
        #expect(second["items"]?.arrayValue?.last?["spec"]?["image"] == "mcp:1")
        #expect(second["metadata"]?["resourceVersion"] == listVersion)
        options.continueToken = second["metadata"]?["continue"]?.stringValue
        let third = try core.list(Fixture.mcpServers, namespace: "default", options: options)
        #expect(names(third) == ["default/e"])
        #expect(third["metadata"]?["continue"] == nil)
        #expect(third["metadata"]?["remainingItemCount"] == nil)

        core.compactHistory()
        options.continueToken = first["metadata"]?["continue"]?.stringValue
        let expired = apiError { _ = try core.list(Fixture.mcpServers, namespace: "default", options: options) }
        #expect(expired?.code == 410)
        #expect(expired?.status.reason == "Expired")
        options.continueToken = "garbage"
        #expect(apiError { _ = try core.list(Fixture.mcpServers, namespace: "default", options: options) }?.code == 400)
    }
}

@Suite struct WatchStoreTests {
    func makeStore(historyLimit: Int = 1000) -> FakeStore {
        let store = FakeStore(historyLimit: historyLimit)
        _ = try? store.write { core throws(FakeAPIError) in
            for registration in BuiltinTypes.registrations { core.register(registration) }
        }
        return store
    }

    func create(_ store: FakeStore, _ name: String, labels: [String: String]? = nil) throws -> JSONValue {
        try store.write { core throws(FakeAPIError) in
            try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap(name, labels: labels), context: WriteContext())
        }
    }

    func patch(_ store: FakeStore, _ name: String, _ patch: JSONValue) throws {
        _ = try store.write { core throws(FakeAPIError) in
            try core.patch(Fixture.configMaps, namespace: "default", name: name, patchType: .merge, body: Fixture.json(patch),
                           status: false, context: WriteContext())
        }
    }

    /// The frames received so far after the store closes the watch.
    func drain(_ store: FakeStore, _ watch: (id: Int, frames: AsyncStream<WatchFrame>)) async -> [String] {
        store.endWatch(watch.id)
        var result: [String] = []
        for await frame in watch.frames { result.append("\(frame.type) \(frame.object.metadataName)") }
        return result
    }

    @Test func aWatchWithoutVersionStartsWithSyntheticAddedEvents() async throws {
        let store = makeStore()
        _ = try create(store, "a")
        let watch = try store.watch(Fixture.configMaps, namespace: "default", options: WatchOptions(resourceVersion: "0"))
        _ = try create(store, "b")
        try patch(store, "a", ["data": ["k": "v"]])
        _ = try store.write { core throws(FakeAPIError) in try core.delete(Fixture.configMaps, namespace: "default", name: "b", options: DeleteOptions()) }
        #expect(await drain(store, watch) == ["ADDED a", "ADDED b", "MODIFIED a", "DELETED b"])
    }

    @Test func aWatchFromAVersionReplaysLaterHistory() async throws {
        let store = makeStore()
        let a = try create(store, "a")
        _ = try create(store, "b")
        try patch(store, "a", ["data": ["k": "v"]])
        let watch = try store.watch(Fixture.configMaps, namespace: nil, options: WatchOptions(resourceVersion: a.metadataResourceVersion))
        #expect(await drain(store, watch) == ["ADDED b", "MODIFIED a"])
    }

    @Test func aWatchFromACompactedVersionGetsOneExpiredError() async throws {
        let store = makeStore(historyLimit: 2)
        let a = try create(store, "a")
        _ = try create(store, "b")
        _ = try create(store, "c")
        _ = try create(store, "d")
        let watch = try store.watch(Fixture.configMaps, namespace: nil, options: WatchOptions(resourceVersion: a.metadataResourceVersion))
        var frames: [WatchFrame] = []
        for await frame in watch.frames { frames.append(frame) }
        #expect(frames.count == 1)
        #expect(frames.first?.type == "ERROR")
        #expect(frames.first?.object["code"] == 410)
        #expect(frames.first?.object["reason"] == "Expired")
        let oldest = Int(a.metadataResourceVersion)! + 1
        #expect(frames.first?.object["message"] == .string("too old resource version: \(a.metadataResourceVersion) (\(oldest))"))
        #expect(store.watchCount == 0)
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        let store = makeStore()
        _ = try create(store, "a", labels: ["app": "x"])
        var options = WatchOptions(resourceVersion: store.inspect { String($0.resourceVersion) })
        options.labelSelector = try LabelSelector(parsing: "app=y")
        let watch = try store.watch(Fixture.configMaps, namespace: "default", options: options)
        try patch(store, "a", ["metadata": ["labels": ["app": "y"]]])
        try patch(store, "a", ["data": ["k": "v"]])
        try patch(store, "a", ["metadata": ["labels": ["app": "z"]]])
        store.endWatch(watch.id)
        var frames: [WatchFrame] = []
        for await frame in watch.frames { frames.append(frame) }
        #expect(frames.map(\.type) == ["ADDED", "MODIFIED", "DELETED"])
        // The DELETED object is the last matching content at the event's version.
        #expect(frames.last?.object.metadataLabels == ["app": "y"])
        #expect(frames.last?.object.metadataResourceVersion == store.inspect { String($0.resourceVersion) })
    }

    @Test func bookmarksCarryTheCurrentVersion() async throws {
        let store = makeStore()
        var options = WatchOptions(resourceVersion: nil)
        options.allowWatchBookmarks = true
        options.sendInitialEvents = true
        _ = try create(store, "a")
        let watch = try store.watch(Fixture.configMaps, namespace: nil, options: options)
        _ = try create(store, "b")
        #expect(store.sendBookmark(watch.id))
        store.endWatch(watch.id)
        #expect(!store.sendBookmark(watch.id))
        var frames: [WatchFrame] = []
        for await frame in watch.frames { frames.append(frame) }
        #expect(frames.map(\.type) == ["ADDED", "BOOKMARK", "ADDED", "BOOKMARK"])
        #expect(frames[1].object["metadata"]?["annotations"] == ["k8s.io/initial-events-end": "true"])
        #expect(frames[3].object == ["kind": "ConfigMap", "apiVersion": "v1",
                                     "metadata": ["resourceVersion": .string(store.inspect { String($0.resourceVersion) })]])
    }
}
