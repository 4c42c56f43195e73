import Foundation
import KubeClient
import Testing
@testable import KubeTesting

@Suite struct ServerSideApplyTests {
    func apply(_ core: inout StoreCore, _ object: JSONValue, manager: String?, force: Bool? = nil,
               status: Bool = false) throws -> (object: JSONValue, created: Bool) {
        try core.patch(Fixture.mcpServers, namespace: "default", name: object.metadataName, patchType: .apply,
                       body: Fixture.json(object), status: status, context: WriteContext(fieldManager: manager, force: force))
    }

    @Test func applyCreatesAMissingObjectAndRecordsOwnershipInTheRealFormat() throws {
        var core = Fixture.core()
        let (object, created) = try apply(&core, Fixture.mcpServer("s", replicas: 2), manager: "operator")
        #expect(created)
        #expect(object["metadata"]?["generation"] == 1)
        let entries = object["metadata"]?["managedFields"]?.arrayValue ?? []
        #expect(entries.count == 1)
        #expect(entries.first?["manager"] == "operator")
        #expect(entries.first?["operation"] == "Apply")
        #expect(entries.first?["apiVersion"] == "mcpoperator.io/v1alpha1")
        #expect(entries.first?["fieldsType"] == "FieldsV1")
        #expect(entries.first?["fieldsV1"] == ["f:spec": ["f:replicas": [:], "f:image": [:]]])
    }

    @Test func reapplyingTheSameConfigurationIsANoOp() throws {
        var core = Fixture.core()
        let (first, _) = try apply(&core, Fixture.mcpServer("s"), manager: "operator")
        _ = core.takeUnpublished()
        let version = core.resourceVersion
        core.now = { Date(timeIntervalSince1970: 1_800_000_000) }
        let (second, created) = try apply(&core, Fixture.mcpServer("s"), manager: "operator")
        #expect(!created)
        #expect(second == first)
        #expect(core.resourceVersion == version)
        #expect(core.takeEventKinds().isEmpty)
    }

    @Test func fieldsAManagerStopsApplyingAreRemovedUnlessSomeoneElseOwnsThem() throws {
        var core = Fixture.core()
        var config = Fixture.mcpServer("s")
        config["spec"]?["port"] = 8080
        config["metadata"]?["labels"] = ["team": "a"]
        _ = try apply(&core, config, manager: "operator")
        // Another manager shares `.spec.image` by applying the same value (no conflict).
        _ = try apply(&core, ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "metadata": ["name": "s"],
                              "spec": ["image": "mcp:1"]], manager: "other")
        let (result, _) = try apply(&core, ["apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "metadata": ["name": "s"],
                                            "spec": ["replicas": 1]], manager: "operator")
        #expect(result["spec"] == ["replicas": 1, "image": "mcp:1"])
        #expect(result["metadata"]?["labels"] == nil)
        #expect(result["metadata"]?["generation"] == 2)
    }

    @Test func applyingAFieldAnotherManagerOwnsWithADifferentValueConflicts() throws {
        var core = Fixture.core()
        _ = try apply(&core, Fixture.mcpServer("s", replicas: 1), manager: "operator")
        let error = apiError { _ = try apply(&core, Fixture.mcpServer("s", replicas: 3), manager: "other-manager") }
        #expect(error?.code == 409)
        #expect(error?.status.reason == "Conflict")
        #expect(error?.status.message == "Apply failed with 1 conflict: conflict with \"operator\": .spec.replicas")
        #expect(error?.status.details?.causes == [
            .init(reason: "FieldManagerConflict", message: "conflict with \"operator\"", field: ".spec.replicas"),
        ])

        let (forced, _) = try apply(&core, Fixture.mcpServer("s", replicas: 3), manager: "other-manager", force: true)
        #expect(forced["spec"]?["replicas"] == 3)
        let entries = FieldManagerEntry.entries(of: forced)
        #expect(entries.first { $0.manager == "operator" }?.fields.paths == [["spec", "image"]])
        #expect(entries.first { $0.manager == "other-manager" }?.fields.paths == [["spec", "replicas"], ["spec", "image"]])
    }

    @Test func updatesRecordUpdateOwnershipThatApplyThenConflictsWith() throws {
        var core = Fixture.core()
        _ = try apply(&core, Fixture.mcpServer("s", replicas: 1), manager: "operator")
        _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .merge,
                           body: Fixture.json(["spec": ["replicas": 5]]), status: false, context: WriteContext(fieldManager: "kubectl-edit"))
        let stored = try core.existing(core.registration(Fixture.mcpServers), namespace: "default", name: "s")
        let entries = FieldManagerEntry.entries(of: stored)
        #expect(entries.first { $0.manager == "kubectl-edit" }?.operation == .update)
        #expect(entries.first { $0.manager == "kubectl-edit" }?.fields.paths == [["spec", "replicas"]])
        #expect(entries.first { $0.manager == "operator" }?.fields.paths == [["spec", "image"]])

        let error = apiError { _ = try apply(&core, Fixture.mcpServer("s", replicas: 1), manager: "operator") }
        #expect(error?.status.details?.causes?.first?.message
            == "conflict with \"kubectl-edit\" using mcpoperator.io/v1alpha1 at 2023-11-14T22:13:20Z")
    }

    @Test func applyNeedsAFieldManager() {
        var core = Fixture.core()
        let error = apiError { _ = try apply(&core, Fixture.mcpServer("s"), manager: nil) }
        #expect(error?.code == 422)
        #expect(error?.status.message == "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
    }

    @Test func applyThroughStatusChangesOnlyStatus() throws {
        var core = Fixture.core()
        _ = try apply(&core, Fixture.mcpServer("s", replicas: 2), manager: "operator")
        var config = Fixture.mcpServer("s", replicas: 9)
        config["status"] = ["readyReplicas": 2]
        let (object, _) = try apply(&core, config, manager: "operator-status", status: true)
        #expect(object["status"] == ["readyReplicas": 2])
        #expect(object["spec"]?["replicas"] == 2)
        #expect(object["metadata"]?["generation"] == 1)
        let entry = FieldManagerEntry.entries(of: object).first { $0.manager == "operator-status" }
        #expect(entry?.subresource == "status")
        #expect(entry?.fields.paths == [["status", "readyReplicas"]])

        // And status in an apply to the main resource is ignored.
        let (main, _) = try apply(&core, config, manager: "operator", force: true)
        #expect(main["status"] == ["readyReplicas": 2])
        #expect(main["spec"]?["replicas"] == 9)
    }

    @Test func fieldsV1RoundTrips() {
        let set = FieldSet([["spec", "replicas"], ["metadata", "labels", "app"], ["spec", "template"], ["spec", "template", "x"]])
        #expect(FieldSet(fieldsV1: set.fieldsV1) == set)
        #expect(set.fieldsV1["f:spec"]?["f:template"] == [".": [:], "f:x": [:]])
        // Element keys of a real server read as ownership of the (atomic) list.
        let real: JSONValue = ["f:spec": ["f:containers": ["k:{\"name\":\"a\"}": [".": [:], "f:image": [:]]]]]
        #expect(FieldSet(fieldsV1: real).paths == [["spec", "containers"]])
    }
}
