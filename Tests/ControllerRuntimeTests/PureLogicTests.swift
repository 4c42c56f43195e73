import Foundation
import KubeClient
import Testing
@testable import ControllerRuntime

@Suite struct StoreTests {
    func configMap(_ name: String, ns: String = "default", rv: String, labels: [String: String]? = nil, owner: String? = nil) -> ConfigMap {
        var meta = ObjectMeta(name: name, namespace: ns, labels: labels)
        meta.resourceVersion = rv
        if let owner { meta.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "X", name: "o", uid: owner, controller: true)] }
        return ConfigMap(metadata: meta)
    }

    @Test func indexesFollowUpdatesAndDeletes() {
        let store = Store<ConfigMap>(metadata: { $0.metadata }, indexers: [.namespace, .ownerUID, .label])
        store.upsert(configMap("a", rv: "1", labels: ["app": "web"], owner: "u1"))
        store.upsert(configMap("b", ns: "other", rv: "2", labels: ["app": "db"], owner: "u1"))
        #expect(store.byIndex("ownerUID", "u1").count == 2)
        #expect(store.list(namespace: "other").map(\.name) == ["b"])
        #expect(store.byIndex("label", Indexer<ConfigMap>.labelValue("app", "web")).map(\.name) == ["a"])
        store.upsert(configMap("a", rv: "3", labels: ["app": "db"], owner: "u2"))
        #expect(store.byIndex("label", "app=web").isEmpty)
        #expect(store.byIndex("label", "app=db").count == 2)
        #expect(store.keys(byIndex: "ownerUID", "u1") == [ObjectKey(namespace: "other", name: "b")])
        store.remove(configMap("b", ns: "other", rv: "4"))
        #expect(store.byIndex("ownerUID", "u1").isEmpty)
        #expect(store.count == 1)
        #expect(store.list(matchingLabels: ["app": "db"]).map(\.name) == ["a"])
    }

    @Test func replaceTurnsTheDifferencesIntoEvents() {
        let store = Store<ConfigMap>(metadata: { $0.metadata })
        #expect(!store.hasSynced)
        store.replace(with: [configMap("keep", rv: "1"), configMap("change", rv: "1"), configMap("gone", rv: "1")])
        #expect(store.hasSynced)
        let events = store.replace(with: [configMap("keep", rv: "1"), configMap("change", rv: "5"), configMap("new", rv: "6")])
        var summary: [String] = []
        for event in events {
            switch event {
            case .added(let object): summary.append("added \(object.name)")
            case .updated(let old, let new): summary.append("updated \(new.name) \(old.metadata.resourceVersion!)→\(new.metadata.resourceVersion!)")
            case .deleted(let object): summary.append("deleted \(object.name)")
            }
        }
        #expect(summary.sorted() == ["added new", "deleted gone", "updated change 1→5"])
    }

    @Test func objectKeysPrintAndParseLikeClientGo() {
        #expect(ObjectKey(namespace: "ns", name: "a").description == "ns/a")
        #expect(ObjectKey(namespace: nil, name: "a").description == "a")
        #expect(ObjectKey(parsing: "ns/a") == ObjectKey(namespace: "ns", name: "a"))
        #expect(ObjectKey(namespace: "", name: "a").namespace == nil)
    }
}

@Suite struct EventMappingTests {
    func meta(generation: Int64?, finalizers: [String]? = nil, deleting: Bool = false, labels: [String: String]? = nil) -> ObjectMeta {
        var meta = ObjectMeta(name: "s", namespace: "ns", labels: labels, finalizers: finalizers)
        meta.generation = generation
        if deleting { meta.deletionTimestamp = "2024-01-01T00:00:00Z" }
        return meta
    }

    @Test func generationFilterDropsStatusAndMetadataOnlyUpdates() {
        let filter = EventFilter.generationChanged
        #expect(!filter.shouldReconcile(meta(generation: 1), meta(generation: 1, labels: ["a": "b"])))
        #expect(filter.shouldReconcile(meta(generation: 1), meta(generation: 2)))
        #expect(filter.shouldReconcile(meta(generation: 1), meta(generation: 1, deleting: true)))
        #expect(filter.shouldReconcile(meta(generation: 1, finalizers: ["f"]), meta(generation: 1)))
        #expect(filter.shouldReconcile(meta(generation: nil), meta(generation: nil)))
        #expect(EventFilter.generationOrMetadataChanged.shouldReconcile(meta(generation: 1), meta(generation: 1, labels: ["a": "b"])))
    }

    @Test func primaryEventsMapToTheirOwnKeyUnlessFiltered() {
        let key = ObjectKey(namespace: "ns", name: "s")
        let identity: (ObjectMeta) -> ObjectMeta = { $0 }
        #expect(EventMapping.primaryKeys(.added(meta(generation: 1)), metadata: identity, filter: .generationChanged) == [key])
        #expect(EventMapping.primaryKeys(.deleted(meta(generation: 1)), metadata: identity, filter: .generationChanged) == [key])
        #expect(EventMapping.primaryKeys(.updated(old: meta(generation: 1), new: meta(generation: 1)), metadata: identity,
                                         filter: .generationChanged).isEmpty)
    }

    @Test func childEventsMapToTheControllingOwnerOfTheRightKind() {
        let owner = ResourceType(group: "mcpoperator.io", version: "v1alpha1", plural: "mcpservers", kind: "MCPServer", namespaced: true)
        func child(_ references: [OwnerReference]) -> ObjectMeta {
            ObjectMeta(name: "c", namespace: "ns", ownerReferences: references)
        }
        let controlling = OwnerReference(apiVersion: "mcpoperator.io/v1beta1", kind: "MCPServer", name: "web", uid: "1", controller: true)
        let notController = OwnerReference(apiVersion: "mcpoperator.io/v1alpha1", kind: "MCPServer", name: "x", uid: "2")
        let otherGroup = OwnerReference(apiVersion: "other.io/v1alpha1", kind: "MCPServer", name: "y", uid: "3", controller: true)
        let identity: (ObjectMeta) -> ObjectMeta = { $0 }
        #expect(EventMapping.ownerKeys(.added(child([notController, controlling])), metadata: identity, owner: owner)
                == [ObjectKey(namespace: "ns", name: "web")])
        #expect(EventMapping.ownerKeys(.added(child([notController])), metadata: identity, owner: owner).isEmpty)
        #expect(EventMapping.ownerKeys(.deleted(child([otherGroup])), metadata: identity, owner: owner).isEmpty)
        var moved = controlling
        moved.name = "api"
        #expect(EventMapping.ownerKeys(.updated(old: child([controlling]), new: child([moved])), metadata: identity, owner: owner)
                == [ObjectKey(namespace: "ns", name: "web"), ObjectKey(namespace: "ns", name: "api")])
    }
}

@Suite struct WatchBackoffTests {
    @Test func doublesFrom800msToTheCapAndResetsAfterTwoHealthyMinutes() {
        var backoff = WatchBackoff(jitter: 0)
        var now = ContinuousClock.now
        var delays: [Duration] = []
        for _ in 0..<8 {
            delays.append(backoff.nextDelay(now: now, random: 0.5))
            now += .seconds(1)
        }
        #expect(delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
                           .milliseconds(12800), .milliseconds(25600), .seconds(30), .seconds(30)])
        now += .seconds(121)
        let ok1 = (backoff.nextDelay(now: now, random: 0) == .milliseconds(800))
        #expect(ok1)
    }

    @Test func jitterShortensTheDelayWithinItsFraction() {
        var backoff = WatchBackoff(jitter: 0.2)
        let delay = backoff.nextDelay(now: .now, random: 0.5)
        #expect(delay == .milliseconds(720))
    }
}
