import Foundation
import KubeClient
import Testing
@testable import KubeTesting

/// The garbage collector's bookkeeping: collecting after a write looks only at the objects the
/// write touched, while ownership rules stay those of `DeletionTests`.
@Suite struct OwnershipIndexTests {
    let context = WriteContext(fieldManager: "test")

    func child(_ name: String, of owner: JSONValue, block: Bool = false) -> JSONValue {
        var map = Fixture.configMap(name)
        map.setMetadata("ownerReferences", [Fixture.ownerReference(to: owner, blockOwnerDeletion: block)])
        return map
    }

    @Test func aWriteMarksOnlyTheObjectItTouchedAndItsOwner() throws {
        var core = Fixture.core()
        for index in 0..<200 {
            _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("plain-\(index)"), context: context)
        }
        #expect(!core.ownership.hasCandidates)
        let owner = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        _ = try core.create(Fixture.configMaps, namespace: "default", body: child("c", of: owner), context: context)
        let marked = core.ownership.takeCandidates()
        #expect(marked.map(\.objectKey) == ["default/c", "default/s"])
        #expect(core.ownership.dependents(of: owner.metadataUID).map(\.objectKey) == ["default/c"])
    }

    @Test func removalMarksDependentsAndForgetsTheUID() throws {
        var core = Fixture.core()
        let owner = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        _ = try core.create(Fixture.configMaps, namespace: "default", body: child("c", of: owner), context: context)
        core.collectGarbage()
        #expect(core.ownership.isAlive(owner.metadataUID))
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .background))
        #expect(!core.ownership.isAlive(owner.metadataUID))
        #expect(core.ownership.takeCandidates().map(\.objectKey) == ["default/c"])
    }

    @Test func droppingAReferenceUnindexesTheDependent() throws {
        var core = Fixture.core()
        let owner = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        _ = try core.create(Fixture.configMaps, namespace: "default", body: child("c", of: owner), context: context)
        _ = try core.patch(Fixture.configMaps, namespace: "default", name: "c", patchType: .merge,
                           body: Fixture.json(["metadata": ["ownerReferences": nil]]), status: false, context: context)
        #expect(!core.ownership.hasDependents(owner.metadataUID))
        core.collectGarbage()
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .background))
        core.collectGarbage()
        #expect(core.stored(try core.registration(Fixture.configMaps), namespace: "default", name: "c") != nil)
    }

    @Test func aChildCreatedUnderAForegroundDeletingOwnerIsCollectedAndReleasesIt() throws {
        var core = Fixture.core()
        let owner = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        var held = child("held", of: owner, block: true)
        held.setMetadata("finalizers", ["hold"])
        _ = try core.create(Fixture.configMaps, namespace: "default", body: held, context: context)
        _ = try core.delete(Fixture.mcpServers, namespace: "default", name: "s", options: DeleteOptions(propagation: .foreground))
        core.collectGarbage()
        // A late child of the deleting owner is deleted too (the owner is marked when it appears).
        _ = try core.create(Fixture.configMaps, namespace: "default", body: child("late", of: owner, block: true), context: context)
        core.collectGarbage()
        let maps = try core.registration(Fixture.configMaps)
        #expect(core.stored(maps, namespace: "default", name: "late") == nil)
        #expect(core.stored(try core.registration(Fixture.mcpServers), namespace: "default", name: "s") != nil)
        _ = try core.patch(Fixture.configMaps, namespace: "default", name: "held", patchType: .merge,
                           body: Fixture.json(["metadata": ["finalizers": nil]]), status: false, context: context)
        core.collectGarbage()
        #expect(core.stored(try core.registration(Fixture.mcpServers), namespace: "default", name: "s") == nil)
        #expect(!core.ownership.hasCandidates)
    }

    @Test func eventsAfterAVersionAreTheLaterHistory() throws {
        var core = Fixture.core()
        for index in 0..<10 {
            _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("m\(index)"), context: context)
        }
        let versions = core.history.map(\.resourceVersion)
        #expect(core.events(after: versions[3]).map(\.resourceVersion) == Array(versions[4...]))
        #expect(core.events(after: 0).count == 10)
        #expect(core.events(after: versions[9]).isEmpty)
    }
}
