import Foundation
import KubeClient
import Testing
@testable import KubeTesting

@Suite struct DeletionTests {
    let context = WriteContext(fieldManager: "test")

    func stored(_ core: StoreCore, _ type: ResourceType, _ name: String, namespace: String = "default") -> JSONValue? {
        (try? core.registration(type)).flatMap { core.stored($0, namespace: namespace, name: name) }
    }

    @Test func deletingWithoutFinalizersRemovesTheObject() throws {
        var core = Fixture.core()
        _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: context)
        _ = core.takeUnpublished()
        let outcome = try core.delete(Fixture.configMaps, namespace: "default", name: "c", options: DeleteOptions())
        guard case .deleted(let last) = outcome else { Issue.record("expected deleted"); return }
        #expect(last.metadataResourceVersion == String(core.resourceVersion))
        #expect(stored(core, Fixture.configMaps, "c") == nil)
        #expect(core.takeEventKinds() == ["DELETED"])
        let missing = apiError { _ = try core.delete(Fixture.configMaps, namespace: "default", name: "c", options: DeleteOptions()) }
        #expect(missing?.code == 404)
    }

    @Test func finalizersHoldTheObjectUntilTheLastIsRemoved() throws {
        var core = Fixture.core()
        var server = Fixture.mcpServer("s")
        server.setMetadata("finalizers", ["mcpoperator.io/cleanup"])
        server = try core.create(Fixture.mcpServers, namespace: "default", body: server, context: context)
        _ = core.takeUnpublished()

        let outcome = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions())
        guard case .pending(let deleting) = outcome else { Issue.record("expected pending"); return }
        #expect(deleting["metadata"]?["deletionTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(deleting["metadata"]?["deletionGracePeriodSeconds"] == 0)
        #expect(deleting["metadata"]?["generation"] == 2)
        #expect(core.takeEventKinds() == ["MODIFIED"])

        var adding = deleting
        adding.setMetadata("finalizers", ["mcpoperator.io/cleanup", "other"])
        let forbidden = apiError { _ = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: adding, status: false, context: context) }
        #expect(forbidden?.code == 422)
        #expect(forbidden?.status.details?.causes?.first?.field == "metadata.finalizers")

        var releasing = deleting
        releasing.setMetadata("finalizers", nil)
        _ = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: releasing, status: false, context: context)
        #expect(stored(core, Fixture.mcpServers, "s") == nil)
        #expect(core.takeEventKinds() == ["DELETED"])
    }

    @Test func deletePreconditionsMustMatch() throws {
        var core = Fixture.core()
        let created = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: context)
        let wrongUID = apiError { _ = try core.delete(Fixture.configMaps, namespace: "default", name: "c", options: DeleteOptions(preconditionUID: "nope")) }
        #expect(wrongUID?.code == 409)
        #expect(wrongUID?.status.message == "Operation cannot be fulfilled on configmaps \"c\": Precondition failed: UID in precondition: nope, UID in object meta: \(created.metadataUID)")
        let wrongVersion = apiError { _ = try core.delete(Fixture.configMaps, namespace: "default", name: "c", options: DeleteOptions(preconditionResourceVersion: "1")) }
        #expect(wrongVersion?.code == 409)
        _ = try core.delete(Fixture.configMaps, namespace: "default", name: "c",
                            options: DeleteOptions(preconditionUID: created.metadataUID, preconditionResourceVersion: created.metadataResourceVersion))
    }

    /// An owner MCPServer with two dependent ConfigMaps.
    func family(_ core: inout StoreCore, block: Bool = false) throws -> JSONValue {
        let owner = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        for name in ["a", "b"] {
            var map = Fixture.configMap(name)
            map.setMetadata("ownerReferences", [Fixture.ownerReference(to: owner, blockOwnerDeletion: block)])
            _ = try core.create(Fixture.configMaps, namespace: "default", body: map, context: context)
        }
        return owner
    }

    @Test func backgroundDeletionCollectsDependentsAfterTheOwner() throws {
        var core = Fixture.core()
        _ = try family(&core)
        _ = core.takeUnpublished()
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .background))
        core.collectGarbage()
        #expect(stored(core, Fixture.configMaps, "a") == nil)
        #expect(stored(core, Fixture.configMaps, "b") == nil)
        #expect(core.takeUnpublished().map { "\($0.kind.rawValue) \($0.object.metadataName)" } == ["DELETED s", "DELETED a", "DELETED b"])
    }

    @Test func orphanDeletionKeepsDependentsWithoutTheReference() throws {
        var core = Fixture.core()
        _ = try family(&core)
        let outcome = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .orphan))
        guard case .pending(let owner) = outcome else { Issue.record("expected pending"); return }
        #expect(owner.metadataFinalizers == ["orphan"])
        core.collectGarbage()
        #expect(stored(core, Fixture.mcpServers, "s") == nil)
        #expect(stored(core, Fixture.configMaps, "a")?["metadata"]?["ownerReferences"] == nil)
        #expect(stored(core, Fixture.configMaps, "b") != nil)
    }

    @Test func foregroundDeletionRemovesDependentsBeforeTheOwner() throws {
        var core = Fixture.core()
        _ = try family(&core, block: true)
        // One dependent has its own finalizer and so blocks the owner.
        _ = try core.patch(Fixture.configMaps, namespace: "default", name: "a", patchType: .merge,
                           body: Fixture.json(["metadata": ["finalizers": ["hold"]]]), status: false, context: context)
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .foreground))
        core.collectGarbage()
        #expect(stored(core, Fixture.configMaps, "b") == nil)
        #expect(stored(core, Fixture.configMaps, "a")?.isBeingDeleted == true)
        #expect(stored(core, Fixture.mcpServers, "s")?.metadataFinalizers == ["foregroundDeletion"])

        _ = try core.patch(Fixture.configMaps, namespace: "default", name: "a", patchType: .merge,
                           body: Fixture.json(["metadata": ["finalizers": nil]]), status: false, context: context)
        core.collectGarbage()
        #expect(stored(core, Fixture.configMaps, "a") == nil)
        #expect(stored(core, Fixture.mcpServers, "s") == nil)
    }

    @Test func dependentsOfAnOwnerThatNeverExistedAreCollected() throws {
        var core = Fixture.core()
        var map = Fixture.configMap("orphaned")
        map.setMetadata("ownerReferences", [["apiVersion": "v1", "kind": "ConfigMap", "name": "gone", "uid": "no-such-uid"]])
        _ = try core.create(Fixture.configMaps, namespace: "default", body: map, context: context)
        core.collectGarbage()
        #expect(stored(core, Fixture.configMaps, "orphaned") == nil)
    }

    @Test func deletingANamespaceDeletesItsContents() throws {
        var core = Fixture.core()
        _ = try core.create(Fixture.namespaces, namespace: nil, body: ["metadata": ["name": "team"]], context: context)
        _ = try core.create(Fixture.configMaps, namespace: "team", body: Fixture.configMap("c", namespace: "team"), context: context)
        _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: context)
        _ = try core.delete(Fixture.namespaces, namespace: nil, name: "team", options: DeleteOptions())
        #expect(stored(core, Fixture.configMaps, "c", namespace: "team") == nil)
        #expect(stored(core, Fixture.configMaps, "c") != nil)
    }
}
