import Foundation
import KubeModel
import LocalStore
import Testing
import TestSupport

@testable import LocalMode

/// What the controller enqueues from successive listings of the store, and when it lists again.
@Suite struct StoreChangeTrackerTests {
    static func server(_ name: String, image: String = "mcp-operator/sample-posts:dev") -> JSONValue {
        ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "metadata": ["name": .string(name), "namespace": "default"],
         "spec": ["image": .string(image), "policyRefs": ["open"]]]
    }

    static func policy(_ action: String) -> JSONValue {
        ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPPolicy", "metadata": ["name": "open", "namespace": "default"],
         "spec": ["defaultAction": .string(action)]]
    }

    @Test func changesAreEnqueuedOnceAndAListingThatWasNotHandledIsRepeated() throws {
        let directory = try makeTemporaryDirectory(prefix: "local-tracker")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try LocalStateStore(directory: directory)
        _ = try store.apply(Self.policy("allow"), source: "test")
        _ = try store.apply(Self.server("a"), source: "test")
        _ = try store.apply(Self.server("b"), source: "test")
        var tracker = StoreChangeTracker()
        func keys() throws -> Set<String> {
            Set(try tracker.changes(servers: store.list(.server, namespace: nil), policies: store.list(.policy, namespace: nil)).map(\.description))
        }

        // Objects stored before the controller started are all enqueued by the first listing.
        let first = try store.changeCounter()
        #expect(tracker.needsListing(counter: first))
        #expect(try keys() == ["default/a", "default/b"])
        tracker.handled(counter: first)
        #expect(!tracker.needsListing(counter: first))

        // A status write moves the counter but enqueues nothing (the controller's own writes).
        _ = try store.writeStatus(.server, namespace: "default", name: "a", status: ["observedGeneration": 1])
        let afterStatus = try store.changeCounter()
        #expect(tracker.needsListing(counter: afterStatus))
        #expect(try keys().isEmpty)
        tracker.handled(counter: afterStatus)

        // A new server whose listing is not handled (the read failed): the next poll, with no
        // write in between, lists again and enqueues it.
        _ = try store.apply(Self.server("c"), source: "test")
        let afterApply = try store.changeCounter()
        #expect(tracker.needsListing(counter: afterApply))
        #expect(tracker.needsListing(counter: try store.changeCounter()), "nothing was handled, so the same counter is listed again")
        #expect(try keys() == ["default/c"])
        tracker.handled(counter: afterApply)

        // A spec change re-enqueues its server; a policy change every server of the namespace.
        _ = try store.apply(Self.server("b", image: "mcp-operator/sample-text:dev"), source: "test")
        #expect(try keys() == ["default/b"])
        _ = try store.apply(Self.policy("deny"), source: "test")
        #expect(try keys() == ["default/a", "default/b", "default/c"])
        _ = try store.requestDeletion(.server, namespace: "default", name: "a")
        #expect(try keys() == ["default/a"])
    }
}
