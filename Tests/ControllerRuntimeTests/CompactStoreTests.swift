import Foundation
import KubeClient
import Testing
@testable import ControllerRuntime

/// A store holding objects as their JSON behaves like one holding values.
@Suite struct CompactStoreTests {
    func deployment(_ name: String, rv: String, image: String = "example.com/app:1", owner: String? = nil,
                    labels: [String: String]? = nil) -> Deployment {
        var meta = ObjectMeta(name: name, namespace: "default", labels: labels)
        meta.resourceVersion = rv
        if let owner { meta.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "X", name: "o", uid: owner, controller: true)] }
        let container = Container(name: "app", image: image)
        return Deployment(metadata: meta, spec: DeploymentSpec(
            replicas: 2, selector: LabelSelector(matchLabels: ["app": name]),
            template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": name]), spec: PodSpec(containers: [container]))))
    }

    @Test func objectsAreHeldEncodedAndReadBackEqual() {
        let store = Store<Deployment>(metadata: { $0.metadata }, codec: .json)
        let original = deployment("web", rv: "1", owner: "u1", labels: ["tier": "front"])
        store.upsert(original)
        #expect(store.isCompact)
        #expect(store.get(namespace: "default", name: "web") == original)
        #expect(store.list() == [original])
        #expect(store.byIndex("ownerUID", "u1") == [original])
        #expect(store.list(namespace: "default") == [original])
    }

    @Test func updatesCarryTheDecodedPreviousStateAndReindex() {
        let store = Store<Deployment>(metadata: { $0.metadata }, codec: .json)
        let first = deployment("web", rv: "1", owner: "u1")
        store.upsert(first)
        #expect(store.upsert(deployment("web", rv: "1", image: "other")) == nil, "a replayed version is no change")
        let second = deployment("web", rv: "2", image: "example.com/app:2", owner: "u2")
        guard case .updated(let old, let new)? = store.upsert(second) else {
            Issue.record("expected an update")
            return
        }
        #expect(old == first && new == second)
        #expect(store.byIndex("ownerUID", "u1").isEmpty)
        #expect(store.byIndex("ownerUID", "u2") == [second])
        guard case .deleted(let last)? = store.remove(second) else {
            Issue.record("expected a deletion")
            return
        }
        #expect(last == second)
        #expect(store.count == 0 && store.byIndex("ownerUID", "u2").isEmpty)
    }

    @Test func replaceWithACodecTurnsTheDifferencesIntoEvents() {
        let store = Store<Deployment>(metadata: { $0.metadata }, codec: .json)
        store.replace(with: [deployment("keep", rv: "1"), deployment("gone", rv: "1")])
        let events = store.replace(with: [deployment("keep", rv: "1"), deployment("new", rv: "2")])
        var summary: [String] = []
        for event in events {
            switch event {
            case .added(let object): summary.append("added \(object.name)")
            case .updated(_, let object): summary.append("updated \(object.name)")
            case .deleted(let object): summary.append("deleted \(object.name)")
            }
        }
        #expect(summary == ["added new", "deleted gone"])
    }

    @Test func anObjectTheCodecCannotEncodeIsHeldAsAValue() {
        let refusing = StoreCodec<Deployment>(encode: { _ in nil }, decode: { _ in nil })
        let store = Store<Deployment>(metadata: { $0.metadata }, codec: refusing)
        let object = deployment("web", rv: "1")
        store.upsert(object)
        #expect(store.get(namespace: "default", name: "web") == object)
    }

    @Test func typedWatchedResourcesAreCompactByDefault() {
        #expect(WatchedResource(Deployment.self).codec != nil)
        #expect(WatchedResource(Deployment.self, compact: false).codec == nil)
    }

    @Test func anEncodedObjectIsHeldAsItsJSON() throws {
        let object = deployment("web", rv: "1", owner: "u1", labels: ["tier": "front"])
        let stored = StoredObject(object, resourceVersion: "1", codec: .json)
        #expect(stored.isEncoded)
        guard case .encoded(let data) = stored.form else { return }
        #expect(try JSONDecoder().decode(Deployment.self, from: data) == object)
        #expect(stored.resourceVersion == "1")
    }
}
